import type { Logger } from 'pino';
import { backgroundTimer } from './live-socket.js';

/** What the expiry needs of the relay that owns the subscriptions. */
export interface ExpiryRelay<P> {
  /** Runs `fn` after every earlier relay batch and subscription step has finished. */
  inTurn(fn: () => Promise<void>): Promise<void>;
  /** Access now for these pairs, by key; a missing or null answer means "may no longer read". */
  readAccess(pairs: P[]): Promise<Map<string, { changesAt: Date | null } | null>>;
  /** Takes the pair's sockets off the recipient, telling them why. */
  evict(pair: P): void;
}

/**
 * When a subscribed pair's access may change by itself (a grant's validUntil passes): one timer per instance, at the
 * earliest such moment among the pairs subscribed here; when it fires, the due pairs are asked again in the relay's
 * turn and those that may no longer read are evicted.
 */
export class AccessExpiry<P> {
  /** key → the pair and when its access may change by itself. */
  private readonly changesAt = new Map<string, { pair: P; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;

  constructor(
    private readonly keyOf: (pair: P) => string,
    private readonly relay: ExpiryRelay<P>,
    private readonly logger: Logger,
  ) {}

  /** The pair's latest access answer: remembers its `changesAt`, or forgets the pair when only an explicit change can. */
  note(pair: P, changesAt: Date | null): void {
    const key = this.keyOf(pair);
    if (!changesAt) {
      this.changesAt.delete(key);
      return;
    }
    this.changesAt.set(key, { pair, at: changesAt.getTime() });
    this.arm();
  }

  /** Nobody here is subscribed to the pair any more. */
  forget(pair: P): void {
    this.changesAt.delete(this.keyOf(pair));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(): void {
    if (this.stopped) return;
    let earliest = Infinity;
    for (const { at } of this.changesAt.values()) earliest = Math.min(earliest, at);
    if (earliest === this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = earliest;
    if (earliest === Infinity) return;
    this.timer = backgroundTimer(
      () => {
        this.timerAt = Infinity;
        void this.relay
          .inTurn(() => this.recheckDue())
          .catch((error: unknown) => this.logger.error({ err: String(error) }, 'live: expiry re-check failed'));
      },
      Math.max(0, earliest - Date.now()) + 5,
    );
  }

  private async recheckDue(): Promise<void> {
    const now = Date.now();
    const due = [...this.changesAt.values()].filter(({ at }) => at <= now);
    if (due.length > 0 && !this.stopped) {
      const answers = await this.relay.readAccess(due.map(({ pair }) => pair));
      for (const { pair, at } of due) {
        const key = this.keyOf(pair);
        const answer = answers.get(key);
        if (!answer) {
          this.relay.evict(pair);
          this.changesAt.delete(key);
        } else if (answer.changesAt && answer.changesAt.getTime() <= at) {
          // The database clock has not reached the moment yet: look again very soon.
          this.changesAt.set(key, { pair, at: Date.now() + 100 });
        } else {
          this.note(pair, answer.changesAt);
        }
      }
    }
    this.arm();
  }
}
