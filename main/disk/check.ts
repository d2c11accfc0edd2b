import { promises as fs } from 'node:fs';
import { bitIsSet, noneSet } from './bitmap.js';
import { DiskFile } from './disk-file.js';
import { DiskError, isDiskError } from './errors.js';
import { DiskType, FOOTER_SIZE, SECTOR } from './format/constants.js';
import { chooseFooter, readFooterCopies, type ChosenFooter } from './format/footer-copies.js';
import { encodeFooter, virtualSizeOf } from './format/footer.js';
import { vhdTimestamp } from './format/timestamp.js';
import { PLACEHOLDER_MAX_BYTES, looksLikePlaceholder, readPlaceholder } from './linked-placeholder.js';
import { openDisk } from './open.js';
import { locateParent, readLocators } from './parent-locate.js';
import { SparseLayout, type Extent } from './sparse-layout.js';

export type Severity = 'unusable' | 'problem' | 'note';

export interface Finding {
  severity: Severity;
  message: string;
  /** What `--repair` does (or did) about it; absent when it cannot be fixed without guessing. */
  repair?: string;
}

export interface CheckReport {
  path: string;
  status: 'clean' | 'problems' | 'unusable';
  findings: Finding[];
  /** Repairs made (with --repair). */
  repaired: string[];
}

type Fix = (layout: SparseLayout) => Promise<void>;

interface Collector {
  findings: Finding[];
  fixes: { describe: string; run: Fix }[];
  add(severity: Severity, message: string, fix?: { describe: string; run: Fix }): void;
}

function collector(): Collector {
  const c: Collector = {
    findings: [],
    fixes: [],
    add(severity, message, fix) {
      c.findings.push({ severity, message, ...(fix ? { repair: fix.describe } : {}) });
      if (fix) c.fixes.push(fix);
    },
  };
  return c;
}

/**
 * Checks a disk file: both footers and their checksums, the dynamic header, every BAT entry (inside the
 * file, clear of metadata and of each other), every block's bitmap, the parent locators and the parent.
 * With `repair`, fixes what can be fixed without guessing, then checks again.
 */
export async function checkDisk(file: string, options: { repair?: boolean } = {}): Promise<CheckReport> {
  const first = await inspect(file);
  if (!options.repair || first.fixes.length === 0) return report(file, first, []);
  const done: string[] = [];
  const f = await DiskFile.open(file, 'write');
  try {
    const chosen = chooseFooter(file, await readFooterCopies(f));
    const layout = await SparseLayout.load(f, chosen.footer, chosen.source === 'trailing');
    for (const fix of first.fixes) {
      await fix.run(layout);
      done.push(fix.describe);
    }
    await f.sync();
  } finally {
    await f.close();
  }
  return report(file, await inspect(file), done);
}

function report(path: string, c: Collector, repaired: string[]): CheckReport {
  const status = c.findings.some((x) => x.severity === 'unusable')
    ? 'unusable'
    : c.findings.some((x) => x.severity === 'problem')
      ? 'problems'
      : 'clean';
  return { path, status, findings: c.findings, repaired };
}

async function inspect(file: string): Promise<Collector> {
  const c = collector();
  try {
    await inspectFile(file, c);
  } catch (e) {
    if (!isDiskError(e)) throw e;
    c.add('unusable', e.detail);
  }
  return c;
}

async function inspectFile(file: string, c: Collector): Promise<void> {
  const st = await fs.stat(file).catch(() => null);
  if (!st) throw new DiskError('IO', file, 'no such file');
  if (st.isFile() && st.size <= PLACEHOLDER_MAX_BYTES && looksLikePlaceholder(await fs.readFile(file))) return checkLinked(file, c);
  const f = await DiskFile.open(file, 'read');
  try {
    const chosen = chooseFooter(file, await readFooterCopies(f));
    if (chosen.footer.diskType === DiskType.Fixed) return checkFixed(f, chosen, c);
    const layout = await SparseLayout.load(f, chosen.footer, chosen.source === 'trailing');
    checkFooterCopies(chosen, layout.extentsPastEnd().length === 0, c);
    checkExtents(layout, c);
    await checkBitmaps(layout, c);
    if (chosen.footer.diskType === DiskType.Differencing) await checkParent(file, layout, c);
  } finally {
    await f.close();
  }
}

async function checkLinked(file: string, c: Collector): Promise<void> {
  const placeholder = await readPlaceholder(file);
  const disk = await openDisk(file);
  await disk.close();
  if (disk.size !== placeholder.size)
    c.add('problem', `the linked drive ${placeholder.target} now holds ${disk.size} bytes, not the ${placeholder.size} it held when linked: is it the same drive?`);
}

function checkFixed(f: DiskFile, chosen: ChosenFooter, c: Collector): void {
  const size = virtualSizeOf(chosen.footer);
  const data = f.size - FOOTER_SIZE;
  if (data < size) c.add('unusable', `the file holds ${data} bytes of data but the footer says ${size}: it was truncated`);
  else if (data > chosen.footer.currentSize)
    c.add('note', `${data - chosen.footer.currentSize} bytes between the disk data and the footer are not part of the disk`);
}

function checkFooterCopies(chosen: ChosenFooter, dataIntact: boolean, c: Collector): void {
  const { trailing, backup } = chosen.copies;
  if (chosen.source === 'backup') {
    const why = trailing ? `damaged (${trailing.problems.join('; ')})` : 'missing (the file does not end with a footer)';
    // Where data was cut off, a footer put back at the end would turn the lost bytes into zeros unnoticed.
    if (!dataIntact) c.add('problem', `the trailing footer is ${why}; it is not restored while data lies past the end of the file`);
    else
      c.add('problem', `the trailing footer is ${why}`, {
        describe: 'restored the trailing footer from the copy at offset 0',
        run: (l) => l.resetTail(chosen.footer),
      });
    return;
  }
  const expected = encodeFooter(chosen.footer);
  const why = !backup
    ? 'missing'
    : backup.problems.length > 0
      ? `damaged (${backup.problems.join('; ')})`
      : !Buffer.from(encodeFooter(backup.footer)).equals(Buffer.from(expected))
        ? 'stale (it differs from the trailing footer)'
        : null;
  if (why)
    c.add('problem', `the footer copy at offset 0 is ${why}`, {
      describe: 'rewrote the footer copy at offset 0 from the trailing footer',
      run: (l) => l.file.write(expected, 0),
    });
}

function checkExtents(layout: SparseLayout, c: Collector): void {
  const limit = layout.dataEnd;
  const all = layout.extents();
  const blocks = all.filter((e) => e.block !== undefined);
  const meta = layout.metadataExtents();
  for (const e of all) {
    if (e.end > limit) c.add('problem', `${e.what} (offset ${e.start}) runs past the end of the data (${limit}): its data is lost`);
    if (e.start % SECTOR !== 0) c.add('problem', `${e.what} starts at ${e.start}, not on a sector boundary`);
  }
  for (const b of blocks)
    for (const m of meta) if (overlaps(b, m)) c.add('problem', `${b.what} (offset ${b.start}) overlaps the ${m.what}`);
  const sorted = [...blocks].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++)
    if (overlaps(sorted[i - 1]!, sorted[i]!)) c.add('problem', `${sorted[i - 1]!.what} and ${sorted[i]!.what} overlap (they share file space)`);
  for (let i = layout.blockCount; i < layout.bat.length; i++)
    if (layout.blockOffset(i) !== null) c.add('note', `block ${i} is allocated but lies beyond the disk's size`);
  const end = layout.metadataEnd();
  if (layout.appendOffset > end)
    c.add('note', `${layout.appendOffset - end} bytes at the end of the file are unused (left by an interrupted write)`, {
      describe: 'trimmed unused space at the end of the file',
      run: (l) => l.resetTail(),
    });
}

function overlaps(a: Extent, b: Extent): boolean {
  return a.start < b.end && b.start < a.end;
}

async function checkBitmaps(layout: SparseLayout, c: Collector): Promise<void> {
  const sectorsPerBlock = layout.blockSize / SECTOR;
  const lastSectors = (layout.footer.currentSize - (layout.blockCount - 1) * layout.blockSize) / SECTOR;
  for (let i = 0; i < layout.blockCount; i++) {
    const at = layout.blockOffset(i);
    if (at === null || at + layout.bitmapBytes > layout.file.size) continue;
    const bitmap = await layout.file.readAt(at, layout.bitmapBytes, `sector bitmap of block ${i}`);
    if (noneSet(bitmap, sectorsPerBlock)) c.add('note', `block ${i} is allocated but its bitmap marks no sector present`);
    if (i === layout.blockCount - 1 && layout.footer.diskType === DiskType.Differencing)
      for (let s = lastSectors; s < sectorsPerBlock; s++)
        if (bitIsSet(bitmap, s)) {
          c.add('note', `the bitmap of the last block marks sectors past the end of the disk`);
          break;
        }
  }
}

async function checkParent(file: string, layout: SparseLayout, c: Collector): Promise<void> {
  for (const l of await readLocators(layout)) if (l.problem) c.add('problem', `parent locator ${l.index} (${l.platform}): ${l.problem}`);
  const parentPath = await locateParent(file, layout); // throws: missing or mismatched parent makes the disk unusable
  const parent = await openDisk(parentPath).catch((e: unknown) => {
    throw new DiskError('CORRUPT', file, `its parent ${parentPath} cannot be opened: ${(e as Error).message}`);
  });
  await parent.close();
  if (parent.size < layout.footer.currentSize && parent.size !== virtualSizeOf(layout.footer))
    c.add('note', `the parent (${parent.size} bytes) is smaller than this disk; the rest reads as zeros`);
  const mtime = vhdTimestamp((await fs.stat(parentPath)).mtime);
  if (layout.header.parentTimestamp !== 0 && layout.header.parentTimestamp !== mtime)
    c.add('note', `the parent ${parentPath} was modified after this disk was made from it`);
}
