import { promises as fs } from 'node:fs';

/**
 * The seam to host block devices (a physical drive linked into a VM) and raw image files used in place.
 * Node cannot ask a device for its size portably (fstat says 0 for devices), so: a regular file's size from
 * stat; a Linux block device's from sysfs; anything else by probing reads, which every platform allows.
 */
export interface HostDeviceInfo {
  size: number;
  isBlockDevice: boolean;
}

export async function hostDeviceInfo(path: string): Promise<HostDeviceInfo> {
  const st = await fs.stat(path);
  if (st.isFile()) return { size: st.size, isBlockDevice: false };
  if (!st.isBlockDevice() && !st.isCharacterDevice()) throw new Error(`${path} is neither a file nor a device`);
  const size = (await linuxSysfsSize(st.rdev)) ?? (await probeSize(path));
  return { size, isBlockDevice: true };
}

async function linuxSysfsSize(rdev: number): Promise<number | null> {
  if (process.platform !== 'linux') return null;
  const major = Math.floor(rdev / 256) & 0xfff; // glibc's gnu_dev_major for the common encodings
  const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
  try {
    const text = await fs.readFile(`/sys/dev/block/${major}:${minor}/size`, 'utf8');
    const sectors = Number(text.trim());
    return Number.isFinite(sectors) ? sectors * 512 : null;
  } catch {
    return null;
  }
}

/** Largest readable sector, found by doubling then bisecting: about 2 x log2(size) reads. */
export async function probeSize(path: string): Promise<number> {
  const fh = await fs.open(path, 'r');
  const sector = Buffer.alloc(512);
  const readable = async (index: number) => {
    try {
      return (await fh.read(sector, 0, 512, index * 512)).bytesRead === 512;
    } catch {
      return false;
    }
  };
  try {
    if (!(await readable(0))) return 0;
    let high = 1;
    while (high < 2 ** 40 && (await readable(high))) high *= 2;
    let low = high / 2; // readable
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await readable(mid)) low = mid;
      else high = mid;
    }
    return (low + 1) * 512;
  } finally {
    await fh.close();
  }
}
