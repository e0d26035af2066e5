import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyaddr from '@fastify/proxy-addr';

/**
 * Which peers are trusted to report the client's address in X-Forwarded-For (TRUST_PROXY):
 * `false` none; `{ hops: n }` the n nearest peers, whoever they are (only when the server is reachable through
 * those proxies alone); `{ addresses }` peers whose address is in the list (IPs, CIDRs, or proxy-addr's
 * `loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = false | { hops: number } | { addresses: string[] };

export type TrustFunction = (address: string, hop: number) => boolean;

const PROXY_ADDR_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** Whether `entry` is an address proxy-addr understands: an IP, an IP/prefix, or one of its names. */
export function isProxyAddress(entry: string): boolean {
  if (PROXY_ADDR_NAMES.includes(entry)) return true;
  const [ip, prefix, ...rest] = entry.split('/');
  const family = isIP(ip);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return isIP(prefix) === 4 && family === 4; // a netmask
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * The trust function for Fastify's `trustProxy` and for Socket.IO handshakes alike. Fastify 5 answers a bare number
 * by trusting nobody, so the hop count is given to it as this function.
 */
export function trustFunction(trust: TrustProxy): TrustFunction {
  if (trust === false) return () => false;
  if ('hops' in trust) {
    const { hops } = trust;
    return (_address, hop) => hop < hops;
  }
  return proxyaddr.compile(trust.addresses);
}

/**
 * The client address of a raw request: walking X-Forwarded-For from the right (the nearest hop), the first address
 * that is not a trusted proxy. A client can prepend anything it likes to the header; it cannot get past a trusted
 * proxy, which appends the address it saw.
 */
export function clientAddress(req: IncomingMessage, trust: TrustFunction): string {
  return proxyaddr(req, trust);
}
