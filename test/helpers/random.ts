/** A small seeded PRNG (mulberry32): the same seed gives the same test, run after run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(next: () => number, below: number): number {
  return Math.floor(next() * below);
}

/** Bytes that differ from every other write's (so a misplaced sector is always noticed). */
export function pattern(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const next = rng(seed);
  for (let i = 0; i < length; i += 4) {
    const v = Math.floor(next() * 0x1_0000_0000);
    out[i] = v & 0xff;
    if (i + 1 < length) out[i + 1] = (v >>> 8) & 0xff;
    if (i + 2 < length) out[i + 2] = (v >>> 16) & 0xff;
    if (i + 3 < length) out[i + 3] = v >>> 24;
  }
  return out;
}
