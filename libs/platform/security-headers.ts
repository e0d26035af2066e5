import type { FastifyInstance } from 'fastify';

/**
 * The security headers of every answer, stated once. The web app served at `/` is built to live under this policy:
 * its scripts, styles, fonts and API calls all come from this origin, with no inline script or style.
 */
const STRICT_DIRECTIVES: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'self'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
};

function policy(directives: Record<string, string>): string {
  return Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

export const CONTENT_SECURITY_POLICY = policy(STRICT_DIRECTIVES);

/** The Swagger UI page at /api/docs carries inline <style> blocks; its scripts are files of this origin. */
export const DOCS_CONTENT_SECURITY_POLICY = policy({ ...STRICT_DIRECTIVES, 'style-src': "'self' 'unsafe-inline'" });

/** Headers that do not depend on the request. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
};

/** HSTS tells browsers to use HTTPS only: sent only on an answer that itself went over HTTPS (directly or, with TRUST_PROXY, as the proxy says). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

export function securityHeaders(path: string, https: boolean): Record<string, string> {
  const docs = path === '/api/docs' || path.startsWith('/api/docs/');
  return {
    ...STATIC_SECURITY_HEADERS,
    'content-security-policy': docs ? DOCS_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY,
    ...(https ? { 'strict-transport-security': STRICT_TRANSPORT_SECURITY } : {}),
  };
}

/** Set at the start of every request, so that errors (404, 413, 415) and every route carry them alike. */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (req, reply) => {
    void reply.headers(securityHeaders(req.url.split('?')[0]!, req.protocol === 'https'));
  });
}
