import pg from 'pg';
import type { Logger } from 'pino';

type Handler = (payload: string) => void;

/**
 * One dedicated connection per instance that LISTENs on the live channels. It reconnects with a back-off after a
 * failure and then calls `onReconnect`, because notifications sent while it was away are lost: the owner catches up
 * by polling (the event table, not the notification, is the source of truth).
 */
export class PgListener {
  private client: pg.Client | undefined;
  private connecting: pg.Client | undefined;
  private readonly handlers = new Map<string, Handler>();
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly onReconnect: () => void,
  ) {}

  on(channel: string, handler: Handler): this {
    this.handlers.set(channel, handler);
    return this;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'welfare-case-share-live' });
    client.on('notification', (message) => {
      const handler = this.handlers.get(message.channel);
      if (handler) handler(message.payload ?? '');
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error.message }, 'live: LISTEN connection failed, reconnecting');
      this.scheduleReconnect(client);
    });
    client.on('end', () => this.scheduleReconnect(client));
    this.connecting = client;
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } finally {
      this.connecting = undefined;
    }
    if (this.stopped) {
      // Stopped while connecting: this connection must not outlive the application.
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.attempt = 0;
  }

  private scheduleReconnect(failed: pg.Client): void {
    if (this.stopped || this.client !== failed || this.retryTimer) return;
    this.client = undefined;
    void failed.end().catch(() => undefined);
    const delay = Math.min(5000, 100 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().then(
        () => this.onReconnect(),
        (error: unknown) => {
          this.logger.warn({ err: String(error) }, 'live: LISTEN reconnect failed');
          this.client = failed;
          this.scheduleReconnect(failed);
        },
      );
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    await Promise.all([client?.end().catch(() => undefined), this.connecting?.end().catch(() => undefined)]);
  }
}
