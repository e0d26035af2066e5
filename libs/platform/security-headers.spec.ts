import { CONTENT_SECURITY_POLICY, DOCS_CONTENT_SECURITY_POLICY, securityHeaders } from './security-headers.js';

describe('security headers', () => {
  it('relax the policy for the Swagger UI pages only, and only for inline styles', () => {
    expect(securityHeaders('/api/docs', false)['content-security-policy']).toBe(DOCS_CONTENT_SECURITY_POLICY);
    expect(securityHeaders('/api/docs/swagger-ui-init.js', false)['content-security-policy']).toBe(DOCS_CONTENT_SECURITY_POLICY);
    for (const path of ['/', '/api/docs.json', '/api/docsx', '/api/v1/recipients']) {
      expect(securityHeaders(path, false)['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    }
    expect(DOCS_CONTENT_SECURITY_POLICY.replace("style-src 'self' 'unsafe-inline'", "style-src 'self'")).toBe(CONTENT_SECURITY_POLICY);
    expect(DOCS_CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
  });

  it('add HSTS only over HTTPS', () => {
    expect(securityHeaders('/', false)['strict-transport-security']).toBeUndefined();
    expect(securityHeaders('/', true)['strict-transport-security']).toMatch(/^max-age=\d+/);
  });
});
