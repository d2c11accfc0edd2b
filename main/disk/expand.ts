import { DiskFile } from './disk-file.js';
import { DiskError } from './errors.js';
import { DiskType, FOOTER_SIZE } from './format/constants.js';
import { chooseFooter, readFooterCopies } from './format/footer-copies.js';
import { encodeFooter, virtualSizeOf, type Footer } from './format/footer.js';
import { geometryForSize, interoperableSize } from './format/geometry.js';
import { encodeDynamicHeader } from './format/dynamic-header.js';
import { validateSize } from './create.js';
import { SparseLayout, alignUp } from './sparse-layout.js';

export interface ExpandResult {
  path: string;
  oldSize: number;
  virtualSize: number;
}

/**
 * Grows a disk. Fixed disks get a new footer at the new end (written before the old one is cleared, so the
 * file always has one); dynamic and differencing disks get a larger size in their footers and, when the
 * block table is too small, a new table written past the data before the header switches to it.
 */
export async function expandDisk(file: string, requested: number): Promise<ExpandResult> {
  validateSize(file, requested);
  const f = await DiskFile.open(file, 'write');
  try {
    const chosen = chooseFooter(file, await readFooterCopies(f));
    const old = chosen.footer;
    const oldSize = virtualSizeOf(old);
    const size = interoperableSize(requested);
    if (size <= oldSize)
      throw new DiskError('INVALID_ARGUMENT', file, `the disk already holds ${oldSize} bytes; expand only grows a disk (asked for ${requested})`);
    const footer: Footer = { ...old, currentSize: size, geometry: geometryForSize(size) };
    if (old.diskType === DiskType.Fixed) await expandFixed(f, oldSize, footer);
    else await expandSparse(await SparseLayout.load(f, old), footer);
    await f.sync();
    return { path: file, oldSize, virtualSize: size };
  } finally {
    await f.close();
  }
}

async function expandFixed(f: DiskFile, oldSize: number, footer: Footer): Promise<void> {
  if (f.size - FOOTER_SIZE !== oldSize && f.size - FOOTER_SIZE !== footer.currentSize)
    throw new DiskError('CORRUPT', f.path, 'the fixed disk is not laid out as data then footer: run "kaso disk check" first');
  await f.write(encodeFooter(footer), footer.currentSize);
  await f.sync();
  await f.write(new Uint8Array(FOOTER_SIZE), oldSize); // the old footer's sector becomes guest space: zeros
}

async function expandSparse(layout: SparseLayout, footer: Footer): Promise<void> {
  const needed = Math.ceil(footer.currentSize / layout.blockSize);
  if (needed > layout.bat.length) {
    const table = new Uint8Array(alignUp(needed * 4)).fill(0xff);
    table.set(layout.encodeBat(), 0);
    const at = await layout.claim(table.length);
    await layout.file.write(table, at);
    await layout.file.sync(); // the new table is durable before the header points at it
    await layout.file.write(encodeDynamicHeader({ ...layout.header, tableOffset: at, maxTableEntries: needed }), layout.headerOffset);
    await layout.file.sync();
  }
  await layout.writeFooters(footer);
}
