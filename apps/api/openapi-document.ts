import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger, loadConfig } from '#libs/platform/index.js';
import { createApp, openApiDocument } from './create-app.js';

/**
 * Writes the OpenAPI document that /api/docs.json serves to a file, without a database or a server: the app is built
 * in preview mode (no provider is instantiated, so the URL below is never connected to). CI generates a typed client
 * from it (npm run client:check). Usage: node dist/apps/api/openapi-document.js <file>
 */
async function main(file: string): Promise<void> {
  const config = loadConfig({
    DATABASE_URL: 'postgresql://preview@127.0.0.1:1/preview',
    JWT_SECRET: 'preview-only-never-used-preview-only-never-used',
    LOG_LEVEL: 'error',
  });
  const app = await createApp(config, createLogger('error'), { swaggerUi: false, preview: true });
  const document = openApiDocument(app);
  await app.close();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  console.log(`wrote ${file}: ${operations} operations`);
}

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dist/apps/api/openapi-document.js <file>');
  process.exit(2);
}
await main(file);
