import { io, type Socket } from 'socket.io-client';

/** socket.io-client helpers for the live suites: every wait is on an event, bounded by a timeout. */
export interface LiveClientOptions {
  token?: string;
  origin?: string;
  auth?: Record<string, unknown>;
}

export function liveSocket(baseUrl: string, options: LiveClientOptions = {}): Socket {
  return io(`${baseUrl}/live`, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: options.auth ?? (options.token !== undefined ? { token: options.token } : {}),
    extraHeaders: options.origin ? { origin: options.origin } : undefined,
  });
}

export function connect(baseUrl: string, options: LiveClientOptions = {}): Promise<Socket> {
  const socket = liveSocket(baseUrl, options);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timed out')), 5000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
  });
}

/** Resolves with the connect_error message (fails if the socket connects). */
export function connectError(baseUrl: string, options: LiveClientOptions = {}): Promise<string> {
  return connect(baseUrl, options).then(
    (socket) => {
      socket.close();
      throw new Error('connected but should have been refused');
    },
    (error: Error) => error.message,
  );
}

export function nextEvent<T = any>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, handler);
  });
}

export function disconnected(socket: Socket, timeoutMs = 5000): Promise<string> {
  if (socket.disconnected) return Promise.resolve('already');
  return nextEvent<string>(socket, 'disconnect', timeoutMs);
}

export function emitAck<T = any>(socket: Socket, event: string, payload: unknown, timeoutMs = 5000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

/** Records every event of the given names in arrival order. */
export function record(socket: Socket, events: string[]): Array<{ event: string; body: any }> {
  const seen: Array<{ event: string; body: any }> = [];
  for (const event of events) socket.on(event, (body: any) => seen.push({ event, body }));
  return seen;
}

/** Waits until `predicate` holds over the recorded events, re-checking on every new event. */
export function until(
  socket: Socket,
  seen: Array<{ event: string; body: any }>,
  predicate: (seen: Array<{ event: string; body: any }>) => boolean,
  timeoutMs = 5000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate(seen)) return resolve();
    const timer = setTimeout(() => {
      socket.offAny(check);
      reject(new Error(`condition not met within ${timeoutMs} ms; seen ${JSON.stringify(seen.map((s) => s.event))}`));
    }, timeoutMs);
    const check = () =>
      queueMicrotask(() => {
        if (predicate(seen)) {
          clearTimeout(timer);
          socket.offAny(check);
          resolve();
        }
      });
    socket.onAny(check);
  });
}

/** The sockets a suite opens, so that each test can close its own: `afterEach(() => sockets.closeAll())`. */
export class OpenSockets {
  private readonly sockets: Socket[] = [];

  track(socket: Socket): Socket {
    this.sockets.push(socket);
    return socket;
  }

  async open(app: { baseUrl: string }, token: string): Promise<Socket> {
    return this.track(await connect(app.baseUrl, { token }));
  }

  closeAll(): void {
    for (const socket of this.sockets.splice(0)) socket.close();
  }
}
