import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Which passt to run: KASO_PASST when set, else the one scripts/build-passt built (Debian 12's own crashes
 * on the first guest connection; see that script), else the passt on PATH.
 */
export function findPasst(): string | null {
  const own = process.env.KASO_PASST;
  if (own) return existsSync(own) ? own : null;
  const built = path.join(process.env.KASO_CACHE ?? path.join(os.homedir(), '.cache', 'kaso'), 'passt', 'current', 'passt');
  if (existsSync(built)) return built;
  for (const d of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin']) {
    const p = d && path.join(d, 'passt');
    if (p && existsSync(p)) return p;
  }
  return null;
}
