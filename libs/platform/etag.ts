import type { FastifyReply } from 'fastify';

/** Sets `ETag: "<version>"` from the body's version and returns the body. */
export function withEtag<T extends { version: number }>(reply: FastifyReply, body: T): T {
  void reply.header('etag', `"${body.version}"`);
  return body;
}
