import { pattern, randomInt, rng } from './random.js';

export interface PlannedWrite {
  offset: number;
  length: number;
  data: Uint8Array;
}

/**
 * The j-th write of a seeded workload: sector-aligned, 512 B to 192 KiB, anywhere on the disk. The writer
 * process and the test that kills it derive the same writes from the same seed.
 */
export function plannedWrite(seed: number, j: number, diskSize: number): PlannedWrite {
  const next = rng(seed * 1_000_003 + j);
  const sectors = 1 + randomInt(next, 384);
  const length = Math.min(sectors * 512, diskSize);
  const offset = randomInt(next, (diskSize - length) / 512 + 1) * 512;
  return { offset, length, data: pattern(seed * 7919 + j, length) };
}
