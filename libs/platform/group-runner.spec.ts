import { GroupRunner } from './group-runner.js';

/** A run whose batches the test releases one at a time, recording what each batch held. */
function controlled() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const runner = new GroupRunner<number, number>(async (inputs) => {
    batches.push(inputs);
    await new Promise<void>((resolve) => releases.push(resolve));
    return inputs.map((n) => (n < 0 ? { status: 'rejected', reason: new Error(`bad ${n}`) } : { status: 'fulfilled', value: n * 10 }));
  }, 3);
  return { runner, batches, releases };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupRunner', () => {
  it('runs a lone call at once, and gathers the calls arriving meanwhile into the next batches (at most `max` each)', async () => {
    const { runner, batches, releases } = controlled();
    const first = runner.submit(1);
    await settle();
    expect(batches).toEqual([[1]]);
    const later = [2, 3, 4, 5].map((n) => runner.submit(n));
    await settle();
    expect(batches).toEqual([[1]]);
    releases.shift()!();
    expect(await first).toBe(10);
    await settle();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    releases.shift()!();
    await settle();
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
    releases.shift()!();
    expect(await Promise.all(later)).toEqual([20, 30, 40, 50]);
  });

  it('answers each call with its own outcome, and fails every call of a batch whose run throws', async () => {
    const { runner, releases } = controlled();
    const calls = [runner.submit(1), runner.submit(-2)];
    await settle();
    releases.shift()!();
    await settle();
    releases.shift()!();
    await expect(calls[0]).resolves.toBe(10);
    await expect(calls[1]).rejects.toThrow('bad -2');

    const failing = new GroupRunner<number, number>(() => Promise.reject(new Error('connection lost')), 10);
    await expect(Promise.all([failing.submit(1), failing.submit(2)])).rejects.toThrow('connection lost');
    await expect(failing.submit(3)).rejects.toThrow('connection lost');
  });

  it('idle() waits for the batch in flight', async () => {
    const { runner, releases } = controlled();
    void runner.submit(1);
    await settle();
    let idle = false;
    const waiting = runner.idle().then(() => (idle = true));
    await settle();
    expect(idle).toBe(false);
    releases.shift()!();
    await waiting;
    expect(idle).toBe(true);
  });
});
