import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { LIVE_PATH } from '#libs/contracts/index.js';
import { type AppConfig, securityHeaders, type TrustFunction, trustFunction } from '#libs/platform/index.js';
import { DEFAULT_LIVE_OPTIONS, type LiveOptions } from './live.options.js';

/**
 * Socket.IO on the HTTP server Fastify listens with (same port, path /socket.io). The Origin check runs in the
 * engine's `allowRequest`, before any transport is set up, so it covers polling and WebSocket alike (CORS headers
 * alone do not stop a WebSocket). Same-origin only when ALLOWED_ORIGINS is empty; clients that send no Origin
 * (native apps, servers) are let through to the token check.
 */
export class LiveIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly live: Partial<LiveOptions> = {},
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const allowed = this.config.allowedOrigins;
    const trust = trustFunction(this.config.trustProxy);
    // Nest's signature names every option; Socket.IO fills in the ones left out.
    const server = super.createIOServer(port, {
      ...options,
      path: LIVE_PATH,
      serveClient: false,
      maxHttpBufferSize: this.live.maxMessageBytes ?? DEFAULT_LIVE_OPTIONS.maxMessageBytes,
      cors: allowed.length > 0 ? { origin: allowed, credentials: true } : undefined,
      allowRequest: (req, callback) => {
        callback(null, originAllowed(req, allowed, trust));
      },
    } as ServerOptions);
    // Polling answers and the WebSocket handshake bypass Fastify's hooks: they get the same security headers here
    // (HSTS rides on the HTTP answers, which is all a browser needs).
    server.engine.on('headers', (headers: Record<string, string>) => Object.assign(headers, securityHeaders(LIVE_PATH, false)));
    // Socket.IO always serves the default namespace "/"; nothing lives there, so nobody may hold a connection on it
    // (an unauthenticated client would otherwise keep one open for free).
    server.of('/').use((_socket, next) => next(new Error('invalid namespace')));
    return server;
  }
}

export function originAllowed(req: IncomingMessage, allowed: readonly string[], trust: TrustFunction): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.length > 0) return allowed.includes(origin);
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  // X-Forwarded-Host only from a trusted proxy, the peer this request came from.
  const forwardedHost = trust(req.socket?.remoteAddress ?? '', 0) ? req.headers['x-forwarded-host'] : undefined;
  const host = (typeof forwardedHost === 'string' ? forwardedHost.split(',')[0].trim() : undefined) ?? req.headers.host;
  return parsed.host === host;
}
