import { describe, expect, it } from 'vitest';
import { FULL, allSet, bitIsSet, sectorRuns, setBits } from '../../main/disk/bitmap.js';

describe('sector bitmaps', () => {
  it('uses the most significant bit of byte 0 for the first sector', () => {
    const b = new Uint8Array(4);
    setBits(b, 0, 1);
    expect(b[0]).toBe(0x80);
    setBits(b, 9, 2);
    expect(b[1]).toBe(0x60);
    expect(bitIsSet(b, 10)).toBe(true);
    expect(bitIsSet(b, 11)).toBe(false);
  });

  it('splits a range into runs of present and absent sectors', () => {
    const b = new Uint8Array(4);
    setBits(b, 4, 3);
    expect([...sectorRuns(b, 2, 8)]).toEqual([
      [2, 2, false],
      [4, 3, true],
      [7, 3, false],
    ]);
    expect([...sectorRuns(FULL, 5, 3)]).toEqual([[5, 3, true]]);
  });

  it('reports whether a block is wholly present', () => {
    const b = new Uint8Array(2).fill(0xff);
    expect(allSet(b, 16)).toBe(true);
    expect(setBits(b, 3, 1)).toBe(false);
    b[1] = 0xfe;
    expect(allSet(b, 16)).toBe(false);
    expect(allSet(b, 15)).toBe(true);
  });
});
