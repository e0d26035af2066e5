import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const libs = resolve(root, '../../libs');

export default defineConfig({
  root,
  base: '/',
  plugins: [tailwindcss()],
  resolve: {
    // The shared request/response types and value sets: the same files the API compiles (`#libs/contracts/...`).
    alias: [{ find: /^#libs\/(.*)\.js$/, replacement: `${libs}/$1.ts` }],
  },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: resolve(root, '../../dist/web'),
    emptyOutDir: true,
    // Nothing inlined as data: URLs (fonts included): the Content-Security-Policy allows same-origin files only.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: false,
    // One bundle on purpose (docs/benchmarks.md): about 540 kB raw, 165 kB gzip.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // A loaded build machine makes every plugin look slow; the timing report would only be noise in `npm start`.
      checks: { pluginTimings: false },
      // Libraries' "use client" directives mean nothing in a client-only bundle.
      onLog(level, log, handler) {
        if (log.code !== 'MODULE_LEVEL_DIRECTIVE') handler(level, log);
      },
    },
  },
});
