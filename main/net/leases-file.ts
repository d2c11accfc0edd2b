import { readFileSync } from 'node:fs';
import { replaceAtomically } from '../disk/atomic-file.js';
import type { Lease } from '../api/networks.js';

/** A network's DHCP leases on disk, written whole and renamed into place so a crash leaves the old or the new. */
export function readLeases(file: string): Lease[] {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { leases?: Lease[] };
    return Array.isArray(data.leases) ? data.leases.filter((l) => typeof l?.mac === 'string' && typeof l?.address === 'string') : [];
  } catch {
    return []; // no file yet, or a torn one from before atomic writes: start empty rather than fail
  }
}

export async function writeLeases(file: string, leases: Lease[]): Promise<void> {
  await replaceAtomically(file, JSON.stringify({ leases }, null, 2));
}
