import { AppError } from '#libs/platform/index.js';
import { HashGate } from './hash-gate.js';

describe('HashGate', () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('runs at most `concurrency` at once, queues up to the limit, refuses beyond it with SERVER_BUSY', async () => {
    const gate = new HashGate(2, 3);
    const release = Array.from({ length: 5 }, deferred);
    let running = 0;
    let maxRunning = 0;
    const runs = release.map((d) =>
      gate.run(async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await d.promise;
        running--;
      }),
    );
    expect(gate.inFlight).toBe(2);
    expect(gate.queued).toBe(3);
    await expect(gate.run(async () => undefined)).rejects.toMatchObject({ code: 'SERVER_BUSY' });
    await expect(gate.run(async () => undefined)).rejects.toBeInstanceOf(AppError);
    for (const d of release) d.resolve();
    await Promise.all(runs);
    expect(maxRunning).toBe(2);
    expect(gate.peak).toBe(2);
    expect(gate.runs).toBe(5);
    expect([gate.inFlight, gate.queued]).toEqual([0, 0]);
  });

  it('frees its slot when the work fails', async () => {
    const gate = new HashGate(1, 0);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 42)).resolves.toBe(42);
    expect(gate.inFlight).toBe(0);
  });
});
