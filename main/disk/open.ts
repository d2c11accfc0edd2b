import { promises as fs } from 'node:fs';
import path from 'node:path';
import { hostDeviceInfo } from '../../native-shims/raw-device.js';
import { DiskFile } from './disk-file.js';
import type { Disk } from './disk.js';
import { DiskError, ioError } from './errors.js';
import { DiskType, FOOTER_SIZE } from './format/constants.js';
import { chooseFooter, readFooterCopies, type ChosenFooter } from './format/footer-copies.js';
import { encodeFooter, virtualSizeOf } from './format/footer.js';
import { FlatDisk } from './flat-disk.js';
import { PLACEHOLDER_MAX_BYTES, looksLikePlaceholder, readPlaceholder } from './linked-placeholder.js';
import { locateParent } from './parent-locate.js';
import { SparseDisk } from './sparse-disk.js';
import { SparseLayout } from './sparse-layout.js';

export interface OpenOptions {
  /** Open for writing (only the top disk of a chain is ever writable). Default: read-only. */
  writable?: boolean;
  /** Use a file that is not a VHD as a raw image in place instead of refusing it. */
  allowRaw?: boolean;
  /**
   * Open a differencing disk alone, without looking for its parent (its absent sectors then read as
   * zeros). Only for inspecting a disk whose parent is lost: never hand such a disk to a guest.
   */
  withoutParent?: boolean;
}

/**
 * Opens a disk by path: a VHD of any kind with its whole parent chain, a linked-disk placeholder, or a
 * host block device. Every parent is opened read-only and verified by unique id.
 */
export async function openDisk(file: string, options: OpenOptions = {}): Promise<Disk> {
  if (options.withoutParent && options.writable)
    throw new DiskError('INVALID_ARGUMENT', file, 'a differencing disk opened without its parent cannot be written');
  return openAt(path.resolve(file), options, []);
}

async function openAt(file: string, options: OpenOptions, below: string[]): Promise<Disk> {
  const writable = options.writable ?? false;
  const real = await fs.realpath(file).catch((e) => {
    throw ioError(file, 'opening', e);
  });
  if (below.includes(real))
    throw new DiskError('PARENT_LOOP', below[0]!, `the parent chain loops back to ${file}`);
  const st = await fs.stat(real);
  if (st.isBlockDevice() || st.isCharacterDevice()) return openDevice(file, writable, 'linked');
  if (!st.isFile()) throw new DiskError('NOT_VHD', file, 'not a file or a block device');
  if (st.size > 0 && st.size <= PLACEHOLDER_MAX_BYTES) {
    const head = new Uint8Array(await readHead(real));
    if (looksLikePlaceholder(head)) return openLinked(file, writable);
  }
  const f = await DiskFile.open(real, writable ? 'write' : 'read');
  try {
    let chosen: ChosenFooter;
    try {
      chosen = chooseFooter(file, await readFooterCopies(f));
    } catch (e) {
      if (options.allowRaw && (e as DiskError).code === 'NOT_VHD') {
        await f.close();
        return openDevice(file, writable, 'raw');
      }
      throw e;
    }
    if (chosen.footer.diskType === DiskType.Fixed) return openFixed(file, f, chosen);
    return await openSparse(file, f, chosen, [...below, real], options.withoutParent ?? false);
  } catch (e) {
    await f.close();
    throw e;
  }
}

function openFixed(file: string, f: DiskFile, chosen: ChosenFooter): Disk {
  const size = virtualSizeOf(chosen.footer);
  if (size > f.size - FOOTER_SIZE)
    throw new DiskError('CORRUPT', file, `the footer says ${size} bytes but the file holds only ${f.size - FOOTER_SIZE}`);
  return new FlatDisk(file, 'fixed', f, size, chosen.footer);
}

async function openSparse(file: string, f: DiskFile, chosen: ChosenFooter, chain: string[], alone: boolean): Promise<Disk> {
  const layout = await SparseLayout.load(f, chosen.footer, chosen.source === 'trailing');
  if (f.writable) {
    const lost = layout.extentsPastEnd();
    if (lost.length > 0)
      throw new DiskError(
        'CORRUPT',
        file,
        `${lost[0]!.what} (offset ${lost[0]!.start}) lies past the end of the file, which was cut short; ` +
          'it can only be opened to read (run "kaso disk check", and "kaso disk convert" to save what is left)',
      );
    await restoreFooters(layout, chosen);
  }
  if (chosen.footer.diskType === DiskType.Dynamic || alone) return new SparseDisk(file, layout, null);
  const parentPath = await locateParent(file, layout);
  const parent = await openAt(parentPath, {}, chain);
  return new SparseDisk(file, layout, parent);
}

/**
 * Opening for writing repairs what is safe to repair without guessing: a trailing footer lost to a crash is
 * restored from the copy at offset 0, and a stale copy at offset 0 is refreshed from the trailing one.
 */
async function restoreFooters(layout: SparseLayout, chosen: ChosenFooter): Promise<void> {
  if (chosen.source === 'backup') return layout.resetTail(chosen.footer);
  const backup = chosen.copies.backup;
  const same = backup && Buffer.from(encodeFooter(backup.footer)).equals(Buffer.from(layout.encodedFooter()));
  if (!same || backup.problems.length > 0) await layout.file.write(layout.encodedFooter(), 0);
}

async function openLinked(file: string, writable: boolean): Promise<Disk> {
  const placeholder = await readPlaceholder(file);
  return openDevice(placeholder.target, writable, 'linked', file);
}

async function openDevice(target: string, writable: boolean, kind: 'linked' | 'raw', shownAs = target): Promise<Disk> {
  let size: number;
  try {
    size = (await hostDeviceInfo(target)).size;
  } catch (e) {
    throw ioError(target, 'opening the linked drive or image', e);
  }
  const f = await DiskFile.open(target, writable ? 'write' : 'read', size);
  return new FlatDisk(shownAs, kind, f, size, null);
}

async function readHead(file: string): Promise<Buffer> {
  const h = await fs.open(file, 'r');
  try {
    const b = Buffer.alloc(64);
    const { bytesRead } = await h.read(b, 0, 64, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}
