import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The shared contract files (../main/api, ../main/console) are Node-style ESM: they import each other as
 * `./x.js` while the source is `./x.ts`. Resolve such an import to the TypeScript file beside it.
 */
function jsToTs(): Plugin {
  return {
    name: 'kaso-js-to-ts',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.') || !source.endsWith('.js')) return null;
      const candidate = path.resolve(path.dirname(importer.split('?')[0]!), `${source.slice(0, -3)}.ts`);
      return existsSync(candidate) ? candidate : null;
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [jsToTs(), react()],
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  server: { fs: { allow: [path.resolve(here, '..')] } },
});
