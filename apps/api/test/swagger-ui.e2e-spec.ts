import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '#libs/database/index.js';
import { createTestDatabase } from '#libs/database/testing/index.js';

// Jest's ESM loader cannot import @fastify/static, which the Swagger UI pages need: the built server is started as
// a process instead (over a clone of the test database), as `npm start` runs it.
const MAIN = join(process.cwd(), 'dist/apps/api/main.js');

describe('Swagger UI at /api/docs (the built server)', () => {
  let child: ChildProcess | undefined;
  let exited: Promise<number | null>;
  let base: string;

  beforeAll(async () => {
    const db = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        PORT: String(port),
        DATABASE_URL: db.url,
        DATABASE_OWNER_URL: db.ownerUrl,
        JWT_SECRET: 'swagger-ui-test-secret-swagger-ui-test-secret',
        SEED_DEMO: 'false',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) => child!.on('exit', (code) => resolve(code)));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('"msg":"listening"')) resolve();
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    });
  }, 120_000); // a whole server process starting, on a machine the other suites keep busy

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('serves the Swagger UI page, and every script and style sheet it references answers 200', async () => {
    const page = await fetch(`${base}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('data:'));
    expect(assets.some((u) => u.includes('swagger-ui-bundle'))).toBe(true);
    expect(assets.some((u) => u.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const res = await fetch(new URL(asset, `${base}/api/docs/`));
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    // The page's initialiser points the UI at the document it serves.
    const init = await fetch(`${base}/api/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('"operationId": "RecipientsController_get"');
  });

  it('serves the document the UI shows at /api/docs.json', async () => {
    const res = await fetch(`${base}/api/docs.json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(document.paths['/api/v1/recipients/{id}']).toBeDefined();
  });
});
