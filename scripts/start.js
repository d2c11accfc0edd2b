#!/usr/bin/env node
// `npm start`: the Kaso app in Electron where an Electron binary is installed; elsewhere, the same console
// served on the web by `kaso serve` (the address is printed).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function electronBinary() {
  if (process.env.ELECTRON_PATH) return existsSync(process.env.ELECTRON_PATH) ? process.env.ELECTRON_PATH : null;
  try {
    const p = createRequire(import.meta.url)('electron');
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null; // the npm package is there, its binary is not (ELECTRON_SKIP_BINARY_DOWNLOAD, or no network)
  }
}

const electron = electronBinary();
const [command, args] = electron
  ? [electron, [root, ...process.argv.slice(2)]]
  : [process.execPath, [fileURLToPath(new URL('../bin/kaso.js', import.meta.url)), 'serve', ...process.argv.slice(2)]];
if (!electron)
  process.stdout.write(
    'No Electron binary is installed here (set ELECTRON_PATH, or install without ELECTRON_SKIP_BINARY_DOWNLOAD).\n' +
      'Starting the web console instead:\n\n',
  );
const child = spawn(command, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
