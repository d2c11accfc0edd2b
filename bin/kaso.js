#!/usr/bin/env node
// The `kaso` command. The TypeScript sources are compiled to dist/ by `npm run build` (npm start does it).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main/cli/kaso.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('kaso: not built yet; run "npm run build" in the Kaso folder first\n');
  process.exit(1);
}
await import(entry.href);
