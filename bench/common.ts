/**
 * What every benchmark shares: the work folder, clocks, spawning a timed process, `sync`, medians and the
 * round-robin that alternates Kaso and its peer so both see the same machine noise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomInt, rng } from '../test/helpers/random.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** The repository root (dist/bench/common.js lives two levels below it). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KASO_BIN = path.join(REPO_ROOT, 'bin', 'kaso.js');
export const QEMU_IMG = '/usr/bin/qemu-img';

export interface BenchContext {
  /** A scratch folder on the same file system as the repository; removed at the end. */
  dir: string;
  /** Timed repetitions per measurement (each side), alternating sides. */
  reps: number;
  /** Whether qemu-img is available as a peer. */
  qemu: boolean;
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function now(): bigint {
  return process.hrtime.bigint();
}

export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * `sync`: writes back every dirty page of the system and waits for it. Run (untimed) before each timed run so
 * data an earlier run left dirty is not charged to the next one; returns how long it took (ms).
 */
export function syncAll(): number {
  const t = now();
  const r = spawnSync('sync', { stdio: 'ignore' });
  if (r.status !== 0) throw new Error('sync failed');
  return msSince(t);
}

const running = new Set<ChildProcess>();

/** Stops the commands this process started and has not seen finish (on Ctrl-C). */
export function stopChildren(): void {
  for (const child of running) child.kill('SIGTERM');
}

/** Runs a command to completion and returns its wall time in ms (spawn to exit); throws if it fails. */
export function timeSpawn(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const t = now();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      running.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      const ms = msSince(t);
      running.delete(child);
      if (code === 0) resolve(ms);
      else reject(new Error(`${path.basename(command)} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}

/** `node bin/kaso.js ARGS`, spawned as a user would run it. */
export function kasoArgs(...args: string[]): [string, string[]] {
  return [process.execPath, [KASO_BIN, ...args]];
}

export function runQuiet(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

export function qemuAvailable(): boolean {
  return existsSync(QEMU_IMG) && spawnSync(QEMU_IMG, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * A scratch folder under the system temp dir when that is on the repository's file system (as the brief
 * asks), else under bench/ in the repository.
 */
export function makeWorkDir(): string {
  const repoDev = statSync(REPO_ROOT).dev;
  const parent = statSync(os.tmpdir()).dev === repoDev ? os.tmpdir() : path.join(REPO_ROOT, 'bench');
  return mkdtempSync(path.join(parent, 'kaso-bench-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

// The same seeded PRNG as the tests: every run does the same work.
export { randomInt, rng };

export function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(next, i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A buffer of incompressible, never-all-zero bytes. */
export function randomBytes(length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  randomFillSync(b);
  b[0] = b[0]! | 1; // a 4 KiB page of random bytes is never zero anyway; make it certain for the first one
  return b;
}

/**
 * Runs every contender `reps` times, round-robin, rotating who goes first each round (so neither side always
 * runs right after the other's dirty data or on a cold CPU). `before` runs untimed before each timed run.
 */
export async function alternate<K extends string>(
  reps: number,
  contenders: Record<K, () => Promise<number>>,
  before: () => void | Promise<void> = () => undefined,
): Promise<Record<K, number[]>> {
  const names = Object.keys(contenders) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as unknown as Record<K, number[]>;
  for (let round = 0; round < reps; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!;
      await before();
      samples[name].push(await contenders[name]());
    }
  }
  return samples;
}
