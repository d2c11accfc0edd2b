import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** A fresh folder under the system temp dir, removed after the test file finishes. */
export function tempDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `kaso-${label}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
