import { Inject } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { LIVE_NAMESPACE, type LiveAck, type LiveClientEvents } from '#libs/contracts/index.js';
import { SessionService } from '#libs/identity/index.js';
import { APP_CONFIG, type AppConfig, clientAddress, type RequestMeta, type TrustFunction, trustFunction, uuidv7 } from '#libs/platform/index.js';
import { parseRenew, parseSubscribe, parseUnsubscribe } from './live-payloads.js';
import type { LiveAckOf, LiveNamespace, LiveSocket } from './live-socket.js';
import { LiveService } from './live.service.js';
import { TokenBucket } from './token-bucket.js';

const VALIDATION_FAILED = { ok: false, code: 'VALIDATION_FAILED' } as const;

/**
 * The /live namespace. Nest guards do not run on a Socket.IO connection, so the handshake is authenticated in the
 * namespace middleware (`afterInit`): a socket exists only once its token and session have been checked.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly trust: TrustFunction;

  constructor(
    private readonly live: LiveService,
    private readonly sessions: SessionService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.trust = trustFunction(config.trustProxy);
  }

  afterInit(nsp: LiveNamespace): void {
    this.live.attach(nsp);
    nsp.use((socket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
        next(new Error('unauthorized'));
        return;
      }
      const authenticatedFrom = Date.now();
      this.sessions.authenticate(token, this.meta(socket)).then(
        ({ tokenExpiresAt, ...caller }) => {
          const options = this.live.options;
          socket.data = {
            caller,
            authenticatedFrom,
            tokenExpiresAt,
            subscriptions: new Set<string>(),
            bucket: new TokenBucket(options.eventsPerSecond, options.eventBurst),
            refusals: 0,
          };
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
  }

  handleConnection(socket: LiveSocket): void {
    // A rate limit on every client event, ahead of the handlers: an over-eager client is refused, a flood cut off.
    socket.use((packet, next) => {
      if (socket.data.bucket.take()) {
        next();
        return;
      }
      const ack = packet[packet.length - 1];
      if (typeof ack === 'function') ack({ ok: false, code: 'RATE_LIMITED' } satisfies LiveAck);
      if (++socket.data.refusals >= this.live.options.refusalsBeforeDisconnect) socket.disconnect(true);
    });
    this.live.registerSocket(socket);
  }

  handleDisconnect(socket: LiveSocket): void {
    if (socket.data?.caller) this.live.unregisterSocket(socket);
  }

  @SubscribeMessage('subscribe' satisfies keyof LiveClientEvents)
  async subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<LiveAckOf<'subscribe'>> {
    const payload = parseSubscribe(body);
    if (!payload) return VALIDATION_FAILED;
    try {
      return await this.live.subscribe(socket, payload.recipientId, payload.sinceSeq);
    } catch (error) {
      this.live.logError('subscribe failed', error);
      return { ok: false, code: 'INTERNAL_ERROR' };
    }
  }

  @SubscribeMessage('unsubscribe' satisfies keyof LiveClientEvents)
  unsubscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): LiveAckOf<'unsubscribe'> {
    const payload = parseUnsubscribe(body);
    if (!payload) return VALIDATION_FAILED;
    this.live.unsubscribe(socket, payload.recipientId);
    return { ok: true };
  }

  @SubscribeMessage('auth.renew' satisfies keyof LiveClientEvents)
  async renew(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<LiveAckOf<'auth.renew'>> {
    const payload = parseRenew(body);
    if (!payload) return VALIDATION_FAILED;
    try {
      const { tokenExpiresAt, ...caller } = await this.sessions.authenticate(payload.token, this.meta(socket));
      if (socket.disconnected || !this.live.renew(socket, caller, tokenExpiresAt)) return { ok: false, code: 'UNAUTHORIZED' };
      return { ok: true, expiresAt: new Date(tokenExpiresAt).toISOString() };
    } catch {
      return { ok: false, code: 'UNAUTHORIZED' };
    }
  }

  private meta(socket: LiveSocket): RequestMeta {
    const headers = socket.handshake.headers;
    // The same rule as HTTP requests (TRUST_PROXY): the right-most address that is not a trusted proxy.
    const ip = clientAddress(socket.request, this.trust);
    const ua = headers['user-agent'];
    return { requestId: uuidv7(), ip, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : '' };
  }
}
