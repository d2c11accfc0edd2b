import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: two folders up from test/helpers, three from its compiled copy in dist/test/helpers. */
export const repoRoot = (() => {
  const up2 = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  return path.basename(up2) === 'dist' ? path.dirname(up2) : up2;
})();

/** A compiled script under dist/ (npm test builds first; running vitest alone needs `npm run build`). */
export function built(relative: string): string {
  const file = path.join(repoRoot, 'dist', relative);
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" before the tests`);
  return file;
}

export const kasoBin = path.join(repoRoot, 'bin', 'kaso.js');

export function kaso(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  built('main/cli/kaso.js');
  return spawnSync(process.execPath, [kasoBin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

export interface Killed {
  /** The last "flushed N" the process printed before it died. */
  flushed: number;
  signal: NodeJS.Signals | null;
}

/** Runs the disk writer and SIGKILLs it after `ms` milliseconds of writing. */
export function runWriterAndKill(file: string, seed: number, perFlush: number, ms: number): Promise<Killed> {
  const child = spawn(process.execPath, [built('test/fixtures/disk-writer.js'), file, String(seed), String(perFlush)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (!out.includes('ready') && (out + chunk).includes('ready')) setTimeout(() => child.kill('SIGKILL'), ms);
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      const done = [...out.matchAll(/flushed (\d+)\n/g)].map((m) => Number(m[1]));
      resolve({ flushed: done.at(-1) ?? 0, signal });
    });
  });
}
