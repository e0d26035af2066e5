// Builds the browser app into dist/web when the build is missing or older than its sources (`--force`: always).
// `npm run build` (and so `npm start` and `npm test`) runs this after the server's tsc build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const output = join(repo, 'dist/web/index.html');
const inputs = ['apps/web', 'libs/contracts', 'package-lock.json'].map((p) => join(repo, p));

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.endsWith('.spec.ts') || entry === 'e2e') continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

const force = process.argv.includes('--force');
if (!force && existsSync(output) && statSync(output).mtimeMs >= Math.max(...inputs.map(newest))) {
  console.log('web app: dist/web is up to date');
} else {
  const { build } = await import('vite');
  const started = Date.now();
  await build({ configFile: join(repo, 'apps/web/vite.config.ts'), logLevel: 'warn' });
  console.log(`web app: built dist/web in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
