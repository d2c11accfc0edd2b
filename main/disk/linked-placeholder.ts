import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DiskError } from './errors.js';

/**
 * A linked disk, as in Virtual PC and Virtual Server: a small placeholder file that stands for a physical
 * drive (or a raw image) used in place. All reads and writes go straight to the target. Like Virtual Server,
 * Kaso allows no differencing or undo disks on top of a linked disk: the target can change underneath.
 */
export interface LinkedPlaceholder {
  format: 'kaso-linked-disk';
  version: 1;
  /** Absolute path of the drive or raw image. */
  target: string;
  /** The target's size when the link was made, to notice a different drive behind the same name. */
  size: number;
  uniqueId: string;
  created: string;
}

export const PLACEHOLDER_MAX_BYTES = 64 * 1024;

export function looksLikePlaceholder(head: Uint8Array): boolean {
  const text = Buffer.from(head.subarray(0, 64)).toString('utf8').trimStart();
  return text.startsWith('{') && text.includes('"kaso-linked-disk"');
}

export async function readPlaceholder(file: string): Promise<LinkedPlaceholder> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new DiskError('CORRUPT', file, `the linked-disk placeholder is not valid JSON (${(e as Error).message})`);
  }
  const p = parsed as Partial<LinkedPlaceholder>;
  if (p.format !== 'kaso-linked-disk' || p.version !== 1 || typeof p.target !== 'string' || typeof p.size !== 'number')
    throw new DiskError('CORRUPT', file, 'the linked-disk placeholder lacks its format, version, target or size');
  return { ...p, target: path.resolve(path.dirname(file), p.target) } as LinkedPlaceholder;
}

export function encodePlaceholder(p: LinkedPlaceholder): string {
  return `${JSON.stringify(p, null, 2)}\n`;
}
