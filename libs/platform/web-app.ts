import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths the API, the live connection and the metrics own: never answered with the app. */
const SERVER_PATHS = /^\/(?:api|socket\.io|metrics)(?:\/|$|\?)/;

/**
 * Serves the built browser app (Vite's output) from the API process: files under `assets/` have content hashes in
 * their names, so they are cached for a year; every other GET that names no file is a client-side route and gets
 * `index.html`, which is never cached (a deploy must reach the next page load). Plain fs reads in an onRequest hook
 * rather than @fastify/static: the Jest harness cannot load that package, and the app is a few hundred small files.
 * Registered after the hooks that set security headers, so those apply to the app as well.
 */
export function serveWebApp(fastify: FastifyInstance, root: string): boolean {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) return false;
  const rootPrefix = normalize(root + sep);
  fastify.addHook('onRequest', async (req, reply) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(req.url)) return;
    let path: string;
    try {
      path = decodeURIComponent(req.url.split('?')[0]);
    } catch {
      return;
    }
    const file = normalize(join(root, path));
    const isFile = file.startsWith(rootPrefix) && existsSync(file) && statSync(file).isFile();
    if (!isFile && extname(path) !== '' && path.startsWith('/assets/')) return; // a missing asset is a 404, not the app
    const served = isFile ? file : indexFile;
    const hashed = isFile && path.startsWith('/assets/');
    void reply
      .header('content-type', TYPES[extname(served)] ?? 'application/octet-stream')
      .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.send(readFileSync(served));
  });
  return true;
}
