import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What libvhdi sees through a disk: mounts it with vhdimount (FUSE) and reads the top layer's file, which is
 * the whole logical disk with its differencing chain applied. Unmounts before returning.
 */
export function readThroughVhdimount(image: string, scratch: string): Buffer {
  const mnt = path.join(scratch, `mnt-${path.basename(image)}-${process.pid}`);
  mkdirSync(mnt, { recursive: true });
  execFileSync('vhdimount', [image, mnt], { stdio: 'pipe' });
  try {
    const layers = readdirSync(mnt).filter((n) => /^vhdi\d+$/.test(n));
    const top = layers.sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))).at(-1)!;
    return readFileSync(path.join(mnt, top));
  } finally {
    execFileSync('fusermount', ['-u', mnt], { stdio: 'pipe' });
  }
}

export function vhdiinfoMediaSize(image: string): number {
  const out = execFileSync('vhdiinfo', [image], { encoding: 'utf8' });
  const m = /Media size\s*:.*\((\d+) bytes\)/.exec(out);
  if (!m) throw new Error(`vhdiinfo printed no media size:\n${out}`);
  return Number(m[1]);
}
