import { promises as fs, statSync, writeFileSync, mkdirSync, renameSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkDisk,
  compactDisk,
  convertDisk,
  createDifferencing,
  createDynamic,
  createFixed,
  createLinked,
  diskInfo,
  expandDisk,
  mergeDisk,
  openDisk,
  reparentDisk,
  type Disk,
} from '../../main/disk/index.js';
import { firstDifference, readAll } from '../helpers/model.js';
import { pattern } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;
const dir = tempDir('ops');
let n = 0;
const fresh = (name: string) => path.join(dir, `${n++}-${name}`);

async function withDisk<T>(file: string, fn: (d: Disk) => Promise<T>, writable = true): Promise<T> {
  const d = await openDisk(file, { writable });
  try {
    return await fn(d);
  } finally {
    await d.close();
  }
}

async function contents(file: string): Promise<Uint8Array> {
  return withDisk(file, readAll, false);
}

/** base (data) <- child (more data): returns both paths and what the child reads. */
async function chain(blockSize = 256 * 1024): Promise<{ base: string; child: string; expected: Uint8Array }> {
  const base = fresh('base.vhd');
  await createDynamic(base, 4 * MiB, blockSize);
  await withDisk(base, async (d) => {
    await d.write(pattern(1, MiB), 0);
    await d.write(pattern(2, 100_000), 2 * MiB + 5);
  });
  const child = fresh('child.vhd');
  await createDifferencing(child, base);
  await withDisk(child, async (d) => {
    await d.write(pattern(3, 3000), 1000);
    await d.write(new Uint8Array(256 * 1024), 512 * 1024); // zeros that hide the parent's data
    await d.write(pattern(4, 70_000), 3 * MiB);
  });
  return { base, child, expected: await contents(child) };
}

describe('create and info', () => {
  it('describes a chain: type, sizes, id, creator, geometry, parents nearest first', async () => {
    const { base, child } = await chain();
    const grandchild = fresh('gc.vhd');
    await createDifferencing(grandchild, child);
    const info = await diskInfo(grandchild);
    expect(info.type).toBe('differencing');
    expect(info.virtualSize).toBe((await diskInfo(base)).virtualSize);
    expect(info.creator).toEqual({ application: 'kaso', version: '1.0', hostOs: 'Wi2k' });
    expect(info.parents.map((p) => p.path)).toEqual([child, base]);
    expect(info.parents[0]!.uniqueId).toBe((await diskInfo(child)).uniqueId);
    expect(info.locators?.map((l) => l.platform)).toEqual(['W2ku', 'W2ru']);
    expect(info.geometry!.cylinders * info.geometry!.heads * info.geometry!.sectorsPerTrack * 512).toBe(info.virtualSize);
  });

  it('refuses impossible requests with a reason', async () => {
    await expect(createDynamic(fresh('huge.vhd'), 3000 * 1024 * MiB)).rejects.toThrow(/more than a VHD can hold/);
    await expect(createDynamic(fresh('bs.vhd'), MiB, 3000)).rejects.toThrow(/block size must be a power of two/);
    const file = fresh('twice.vhd');
    await createDynamic(file, MiB);
    await expect(createDynamic(file, MiB)).rejects.toMatchObject({ code: 'EXISTS' });
    await expect(createDifferencing(fresh('orphan.vhd'), fresh('nowhere.vhd'))).rejects.toThrow(/nowhere\.vhd/);
  });
});

describe('linked disks', () => {
  it('use a raw image in place, refuse differencing children, and convert to a VHD (P2V)', async () => {
    const target = fresh('drive.img');
    writeFileSync(target, Buffer.concat([pattern(5, 2 * MiB), Buffer.alloc(2 * MiB)]));
    const link = fresh('drive.vhdlink');
    await createLinked(link, target);
    const info = await diskInfo(link);
    expect(info).toMatchObject({ type: 'linked', target, virtualSize: 4 * MiB });
    await withDisk(link, (d) => d.write(pattern(6, 4096), 3 * MiB));
    const onDrive = await fs.readFile(target);
    expect(firstDifference(onDrive.subarray(3 * MiB, 3 * MiB + 4096), pattern(6, 4096))).toBe(-1);
    await expect(createDifferencing(fresh('over-link.vhd'), link)).rejects.toThrow(/linked disk cannot have differencing disks/);
    expect((await checkDisk(link)).status).toBe('clean');
    truncateSync(target, 5 * MiB); // a different drive now answers to that name
    expect((await checkDisk(link)).findings[0]!.message).toMatch(/now holds 5242880 bytes, not the 4194304/);
    truncateSync(target, 4 * MiB);
    const vhd = fresh('p2v.vhd');
    await convertDisk(link, vhd, { type: 'dynamic' });
    const converted = await contents(vhd); // rounded up to a CHS size: the extra space reads as zeros
    expect(firstDifference(converted.subarray(0, onDrive.length), onDrive)).toBe(-1);
    expect(converted.subarray(onDrive.length).every((b) => b === 0)).toBe(true);
  });
});

describe('raw images', () => {
  it('are described by info as raw, at their size', async () => {
    const img = fresh('plain.img');
    writeFileSync(img, Buffer.alloc(3 * MiB));
    expect(await diskInfo(img)).toMatchObject({ type: 'raw', virtualSize: 3 * MiB, uniqueId: null });
  });
});

describe('convert', () => {
  it('flattens a chain into a standalone dynamic disk, leaving all-zero blocks unallocated', async () => {
    const { child, expected } = await chain();
    const out = fresh('flat.vhd');
    const result = await convertDisk(child, out, { type: 'dynamic', blockSize: 256 * 1024 });
    const info = await diskInfo(out);
    expect(info.type).toBe('dynamic');
    expect(info.parents).toEqual([]);
    expect(firstDifference(await contents(out), expected)).toBe(-1);
    const nonZeroBlocks = new Set<number>();
    expected.forEach((b, i) => b && nonZeroBlocks.add(Math.floor(i / (256 * 1024))));
    expect(info.allocatedSize).toBe(nonZeroBlocks.size * 256 * 1024);
    expect(result.dataBytes).toBe(info.allocatedSize);
  });

  it('writes raw output with holes for zeros and fixed output that reads the same', async () => {
    const { child, expected } = await chain();
    const raw = fresh('out.img');
    await convertDisk(child, raw, { type: 'raw' });
    const st = statSync(raw);
    expect(st.size).toBe(expected.length);
    expect(st.blocks * 512).toBeLessThan(st.size);
    expect(firstDifference(await fs.readFile(raw), expected)).toBe(-1);
    const fixed = fresh('out-fixed.vhd');
    await convertDisk(raw, fixed, { type: 'fixed' });
    expect(firstDifference(await contents(fixed), expected)).toBe(-1);
  });

  it('cancelled, leaves neither the output nor a partial file, and the source untouched', async () => {
    const { child, expected } = await chain();
    const out = fresh('cancelled.vhd');
    const controller = new AbortController();
    const run = convertDisk(child, out, {
      type: 'dynamic',
      blockSize: 64 * 1024,
      signal: controller.signal,
      onProgress: (done) => done > 0 && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await fs.readdir(dir)).not.toContain(path.basename(out));
    expect((await fs.readdir(dir)).filter((f) => f.includes('kaso-partial'))).toEqual([]);
    expect(firstDifference(await contents(child), expected)).toBe(-1);
  });
});

describe('compact', () => {
  it('releases zeroed blocks of a dynamic disk, closes the gaps, and reads the same', async () => {
    const file = fresh('compact.vhd');
    await createDynamic(file, 8 * MiB, 256 * 1024);
    await withDisk(file, async (d) => {
      await d.write(pattern(7, 8 * MiB), 0); // every block allocated
      await d.write(new Uint8Array(5 * MiB), MiB); // then the guest zeroes most of them (a "precompactor")
    });
    const before = statSync(file).size;
    const expected = await contents(file);
    const result = await compactDisk(file);
    expect(result.blocksFreed).toBe(20);
    expect(result.blocksMoved).toBeGreaterThan(0);
    expect(statSync(file).size).toBeLessThan(before - 4 * MiB);
    expect(firstDifference(await contents(file), expected)).toBe(-1);
    expect((await checkDisk(file)).status).toBe('clean');
  });

  it('keeps the zeros of a differencing disk: they hide the parent', async () => {
    const { child, expected } = await chain();
    await compactDisk(child);
    expect(firstDifference(await contents(child), expected)).toBe(-1);
    expect((await checkDisk(child)).status).toBe('clean');
  });
});

describe('merge', () => {
  it('commits the child into its parent, which then reads as the chain did; the child is deleted', async () => {
    const { base, child, expected } = await chain();
    const result = await mergeDisk(child);
    expect(result).toMatchObject({ parent: base, childDeleted: true });
    expect(firstDifference(await contents(base), expected)).toBe(-1);
    expect(await fs.stat(child).catch(() => null)).toBeNull();
    expect((await checkDisk(base)).status).toBe('clean');
  });

  it('refuses, naming them, when other children depend on the parent', async () => {
    const { base, child } = await chain();
    const sibling = fresh('sibling.vhd');
    await createDifferencing(sibling, base);
    const before = await contents(base);
    await expect(mergeDisk(child)).rejects.toThrow(new RegExp(`other differencing disks depend on it \\(${sibling}`));
    expect(firstDifference(await contents(base), before)).toBe(-1);
  });

  it('merges a middle generation into a differencing parent, keeping the child on request', async () => {
    const { child } = await chain();
    const top = fresh('top.vhd');
    await createDifferencing(top, child);
    await withDisk(top, (d) => d.write(pattern(8, 5000), 100)); // unaligned: page copy-on-write from the parent
    const expected = await contents(top);
    await mergeDisk(top, { keepChild: true });
    expect(firstDifference(await contents(child), expected)).toBe(-1);
    expect(firstDifference(await contents(top), expected)).toBe(-1);
  });
});

describe('expand', () => {
  for (const kind of ['dynamic', 'fixed'] as const) {
    it(`grows a ${kind} disk: old data kept, new space reads as zeros, the check stays clean`, async () => {
      const file = fresh(`grow-${kind}.vhd`);
      await (kind === 'dynamic' ? createDynamic(file, 2 * MiB, 64 * 1024) : createFixed(file, 2 * MiB));
      await withDisk(file, (d) => d.write(pattern(9, 2 * MiB - 4096), 4096));
      const before = await contents(file);
      const r = await expandDisk(file, 20 * MiB); // the dynamic disk's table must move: 32 entries -> 320
      expect(r.virtualSize).toBeGreaterThanOrEqual(20 * MiB);
      const after = await contents(file);
      expect(after.length).toBe(r.virtualSize);
      expect(firstDifference(after.subarray(0, before.length), before)).toBe(-1);
      expect(after.subarray(before.length).every((b) => b === 0)).toBe(true);
      await withDisk(file, (d) => d.write(pattern(10, MiB), 18 * MiB));
      expect((await checkDisk(file)).status).toBe('clean');
      await expect(expandDisk(file, MiB)).rejects.toThrow(/only grows/);
    });
  }
});

describe('parents that move', () => {
  it('follows the relative locator when child and parent move together', async () => {
    const { base, child, expected } = await chain();
    const moved = path.join(dir, `moved-${n++}`);
    mkdirSync(moved);
    renameSync(base, path.join(moved, path.basename(base)));
    renameSync(child, path.join(moved, path.basename(child)));
    expect(firstDifference(await contents(path.join(moved, path.basename(child))), expected)).toBe(-1);
  });

  it('reports a missing parent, and reparent fixes it after checking the unique id', async () => {
    const { base, child, expected } = await chain();
    const elsewhere = path.join(dir, `elsewhere-${n++}`);
    mkdirSync(elsewhere);
    const movedBase = path.join(elsewhere, 'renamed-base.vhd');
    renameSync(base, movedBase);
    await expect(openDisk(child)).rejects.toMatchObject({ code: 'PARENT_MISSING' });
    const impostor = fresh('impostor.vhd');
    await createDynamic(impostor, 4 * MiB);
    await expect(reparentDisk(child, impostor)).rejects.toMatchObject({ code: 'PARENT_MISMATCH' });
    await reparentDisk(child, movedBase);
    expect(firstDifference(await contents(child), expected)).toBe(-1);
    expect((await diskInfo(child)).parentName).toBe('renamed-base.vhd');
    expect((await checkDisk(child)).status).toBe('clean');
  });

  it('never uses a file at the locator path whose unique id differs', async () => {
    const { base, child } = await chain();
    await fs.rm(base);
    await createDynamic(base, 4 * MiB); // same name, different disk
    await expect(openDisk(child)).rejects.toMatchObject({ code: 'PARENT_MISMATCH' });
    expect((await checkDisk(child)).status).toBe('unusable');
  });
});

describe('check and repair', () => {
  it('restores a lost trailing footer from the copy at offset 0, losing no data', async () => {
    const { child, expected } = await chain();
    truncateSync(child, statSync(child).size - 512); // as if the process died while the footer was moving
    const report = await checkDisk(child);
    expect(report.status).toBe('problems');
    expect(report.findings.map((f) => f.message).join()).toMatch(/trailing footer is missing/);
    expect(firstDifference(await contents(child), expected)).toBe(-1); // still opens (from the backup copy)
    const repaired = await checkDisk(child, { repair: true });
    expect(repaired.repaired).toContain('restored the trailing footer from the copy at offset 0');
    expect(repaired.status).toBe('clean');
    expect(firstDifference(await contents(child), expected)).toBe(-1);
  });

  it('refreshes a stale footer copy at offset 0', async () => {
    const { child } = await chain();
    const h = await fs.open(child, 'r+');
    await h.write(Buffer.from([0x99]), 0, 1, 30); // creator version: checksum now wrong in the copy only
    await h.close();
    const report = await checkDisk(child);
    expect(report.findings[0]!.message).toMatch(/footer copy at offset 0 is damaged/);
    expect((await checkDisk(child, { repair: true })).status).toBe('clean');
  });

  it('calls a truncated fixed disk unusable', async () => {
    const file = fresh('cut.vhd');
    await createFixed(file, 2 * MiB);
    const h = await fs.open(file, 'r+');
    const footer = Buffer.alloc(512);
    await h.read(footer, 0, 512, statSync(file).size - 512);
    await h.truncate(MiB);
    await h.write(footer, 0, 512, MiB - 512);
    await h.close();
    const report = await checkDisk(file);
    expect(report.status).toBe('unusable');
    expect(report.findings[0]!.message).toMatch(/truncated/);
  });
});
