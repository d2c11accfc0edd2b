import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Why a peer tool cannot be used here, or null when it can. Suites skip with this line. */
export function missingQemuImg(): string | null {
  return has('qemu-img') && has('qemu-io') ? null : 'qemu-img/qemu-io not installed (Debian package qemu-utils)';
}

export function missingVhdimount(): string | null {
  if (!has('vhdimount') || !has('vhdiinfo')) return 'vhdimount/vhdiinfo not installed (Debian package libvhdi-utils)';
  if (!existsSync('/dev/fuse') || !has('fusermount')) return 'FUSE is not available (/dev/fuse and fusermount from package fuse3)';
  return null;
}

export function announceSkip(suite: string, reason: string | null): void {
  if (reason) console.warn(`[skipped] ${suite}: ${reason}`);
}

export function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
