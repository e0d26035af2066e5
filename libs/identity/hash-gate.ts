import { Gauge } from 'prom-client';
import { AppError, metricsRegistry } from '#libs/platform/index.js';

const hashesInFlight = new Gauge({
  name: 'password_hashes_in_flight',
  help: 'argon2 hashes and verifications running now (bounded by PASSWORD_HASH_CONCURRENCY)',
  registers: [metricsRegistry],
});
const hashesQueued = new Gauge({
  name: 'password_hashes_queued',
  help: 'argon2 hashes and verifications waiting for a slot (bounded by PASSWORD_HASH_QUEUE)',
  registers: [metricsRegistry],
});

/**
 * A counting semaphore with a bounded queue in front of argon2. Each hash takes a core for tens of milliseconds on
 * libuv's small thread pool; unbounded, a flood of logins takes every core and every pooled database connection
 * from the requests of everyone else. Past the queue the answer is 503 with Retry-After at once, never an
 * ever-growing wait.
 */
export class HashGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** The highest number of hashes ever run at once here: what the bound promises, observable by tests. */
  peak = 0;
  /** How many hashes have been started here. */
  runs = 0;

  constructor(
    readonly concurrency: number,
    readonly queueLimit: number,
  ) {}

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) {
        throw new AppError('SERVER_BUSY', {
          message: 'Too many password checks at once; try again shortly',
          headers: { 'retry-after': '1' },
        });
      }
      hashesQueued.inc();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
      hashesInFlight.inc();
    }
    // A slot is ours here: either taken above or handed over by `release` (which keeps `running` as it is).
    this.peak = Math.max(this.peak, this.running);
    this.runs++;
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      hashesQueued.dec();
      next();
    } else {
      this.running--;
      hashesInFlight.dec();
    }
  }
}
