import { SECTOR } from './constants.js';

export interface Geometry {
  cylinders: number;
  heads: number;
  sectorsPerTrack: number;
}

export const MAX_CHS_SECTORS = 65535 * 16 * 255;

/** CHS for a disk size, exactly as the VHD specification's appendix computes it. */
export function geometryForSize(bytes: number): Geometry {
  const totalSectors = Math.min(Math.floor(bytes / SECTOR), MAX_CHS_SECTORS);
  let sectorsPerTrack: number;
  let heads: number;
  let cylTimesHeads: number;
  if (totalSectors >= 65535 * 16 * 63) {
    sectorsPerTrack = 255;
    heads = 16;
    cylTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
  } else {
    sectorsPerTrack = 17;
    cylTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    heads = Math.max(Math.floor((cylTimesHeads + 1023) / 1024), 4);
    if (cylTimesHeads >= heads * 1024 || heads > 16) {
      sectorsPerTrack = 31;
      heads = 16;
      cylTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    }
    if (cylTimesHeads >= heads * 1024) {
      sectorsPerTrack = 63;
      heads = 16;
      cylTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    }
  }
  return { cylinders: Math.floor(cylTimesHeads / heads), heads, sectorsPerTrack };
}

export function chsSectors(g: Geometry): number {
  return g.cylinders * g.heads * g.sectorsPerTrack;
}

export function isMaxGeometry(g: Geometry): boolean {
  return g.cylinders === 65535 && g.heads === 16 && g.sectorsPerTrack === 255;
}

/**
 * The size Kaso gives a new disk asked to hold `bytes`: the smallest size at least that large whose CHS
 * geometry describes it exactly. Virtual PC and QEMU 7.2 size a disk by its CHS geometry and Hyper-V and
 * libvhdi by the footer's current size; when the two agree every tool sees the same disk. Beyond the
 * largest CHS geometry (about 127 GiB) every tool uses the current size, so only sector rounding applies.
 */
export function interoperableSize(bytes: number): number {
  const sectors = Math.ceil(bytes / SECTOR);
  if (sectors >= MAX_CHS_SECTORS) return sectors * SECTOR;
  for (let wanted = sectors; ; wanted++) {
    const g = geometryForSize(wanted * SECTOR);
    const chs = chsSectors(g);
    if (chs >= sectors) {
      // Re-derive from the CHS size itself: the geometry must be stable for that exact size.
      if (chsSectors(geometryForSize(chs * SECTOR)) === chs) return chs * SECTOR;
    }
    if (wanted - sectors > 1 << 20) throw new Error(`no CHS geometry fits ${bytes} bytes`);
  }
}
