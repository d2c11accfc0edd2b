import { describe, expect, it } from 'vitest';
import { chsSectors, geometryForSize, interoperableSize, MAX_CHS_SECTORS } from '../../main/disk/format/geometry.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('CHS geometry (VHD spec appendix)', () => {
  it('matches the sizes qemu-img gives the same requests', () => {
    // Values printed by `qemu-img create -f vpc X.vhd SIZE` (QEMU 7.2): it rounds up to CHS exactly as Kaso does.
    expect(interoperableSize(1 * GiB)).toBe(1073995776);
    expect(interoperableSize(64 * MiB)).toBe(67125248);
  });

  it('gives sizes whose own geometry describes them exactly', () => {
    for (const mib of [1, 3, 10, 100, 500, 2047, 4096, 32 * 1024, 100 * 1024]) {
      const size = interoperableSize(mib * MiB);
      expect(size).toBeGreaterThanOrEqual(mib * MiB);
      expect(chsSectors(geometryForSize(size)) * 512).toBe(size);
    }
  });

  it('uses the largest geometry and the plain size past what CHS can describe', () => {
    const size = 500 * GiB;
    expect(interoperableSize(size)).toBe(size);
    expect(geometryForSize(size)).toEqual({ cylinders: 65535, heads: 16, sectorsPerTrack: 255 });
    expect(interoperableSize(MAX_CHS_SECTORS * 512 + 512)).toBe(MAX_CHS_SECTORS * 512 + 512);
  });

  it('follows the spec branches for small disks', () => {
    expect(geometryForSize(10 * MiB)).toEqual({ cylinders: 301, heads: 4, sectorsPerTrack: 17 });
    expect(geometryForSize(127 * GiB).sectorsPerTrack).toBe(255);
  });
});
