// Worker thread of bench/live-fanout.ts: holds the socket.io clients, so that their work does not share the
// server's event loop. Receipt times use performance.timeOrigin + now(), comparable across threads.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

export interface ClientSpec {
  token?: string;
  /** Recipient to subscribe to (a subscription may be refused: unauthorised sockets). */
  recipientId: string;
}

interface Job {
  url: string;
  /** '/live' for the product, '/' for the bare baseline. */
  namespace: string;
  path: string;
  clients: ClientSpec[];
  /** Events to record. */
  events: string[];
}

const job = workerData as Job;
const now = () => performance.timeOrigin + performance.now();
const sockets: Socket[] = [];
/** [clientIndex, event, key, receivedAt] */
const received: Array<[number, string, string, number]> = [];

async function connectOne(index: number, spec: ClientSpec): Promise<{ index: number; ok: boolean; code?: string }> {
  const socket = io(`${job.url}${job.namespace}`, {
    path: job.path,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: spec.token ? { token: spec.token } : {},
  });
  sockets[index] = socket;
  for (const event of job.events) {
    socket.on(event, (body: { recipientId: string; version?: number; key?: string; note?: { id: string } }) => {
      received.push([index, event, body.key ?? body.note?.id ?? `${body.recipientId}/${body.version}`, now()]);
    });
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const ack = (await socket.timeout(10_000).emitWithAck('subscribe', { recipientId: spec.recipientId })) as {
    ok: boolean;
    code?: string;
  };
  return { index, ok: ack.ok, code: ack.code };
}

parentPort!.on('message', async (message: { type: string }) => {
  if (message.type === 'connect') {
    const results: Array<{ index: number; ok: boolean; code?: string }> = [];
    const batch = 50;
    for (let i = 0; i < job.clients.length; i += batch) {
      results.push(...(await Promise.all(job.clients.slice(i, i + batch).map((spec, k) => connectOne(i + k, spec)))));
    }
    parentPort!.postMessage({ type: 'connected', results });
  } else if (message.type === 'collect') {
    parentPort!.postMessage({ type: 'received', received: received.splice(0) });
  } else if (message.type === 'close') {
    for (const socket of sockets) socket?.close();
    parentPort!.postMessage({ type: 'closed' });
  }
});
