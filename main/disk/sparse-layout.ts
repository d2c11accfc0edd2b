import { DiskError } from './errors.js';
import type { DiskFile } from './disk-file.js';
import { BAT_UNUSED, DYNAMIC_HEADER_SIZE, FOOTER_SIZE, MAX_BLOCK_SIZE, SECTOR } from './format/constants.js';
import { encodeFooter, type Footer } from './format/footer.js';
import { encodeDynamicHeader, parseDynamicHeader, type DynamicHeader } from './format/dynamic-header.js';
import { alignDown } from './format/footer-copies.js';

/** A region of the file in use by metadata or a block, for overlap checks and free-space search. */
export interface Extent {
  start: number;
  end: number;
  what: string;
  /** The block's index, for block extents. */
  block?: number;
}

/**
 * The on-disk layout of a dynamic or differencing VHD: footer, dynamic header, block allocation table and
 * where the next block goes. Every metadata write of the library goes through here, in an order that keeps
 * the file valid if the process dies between any two writes:
 *  - a new block's space is claimed by first writing the footer past it, then its bitmap and data, and only
 *    then the BAT entry that makes it visible;
 *  - the trailing footer is therefore always present, and an interrupted allocation leaves unreferenced
 *    space at worst (which check reports and compact reclaims).
 */
export class SparseLayout {
  readonly bitmapBytes: number;
  readonly stride: number;
  private footerBytes: Uint8Array;

  private constructor(
    readonly file: DiskFile,
    public footer: Footer,
    public header: DynamicHeader,
    readonly headerOffset: number,
    readonly bat: Uint32Array,
    /** Where the trailing footer lives; new blocks are placed here. */
    public appendOffset: number,
  ) {
    this.bitmapBytes = bitmapBytesFor(header.blockSize);
    this.stride = this.bitmapBytes + header.blockSize;
    this.footerBytes = encodeFooter(footer);
  }

  /** Where the data ends: the trailing footer's offset, or the end of a file that lost it. */
  dataEnd = 0;

  /**
   * `trailingFooter`: whether the file ends with a sound footer (else it was lost and the file ends in data).
   */
  static async load(file: DiskFile, footer: Footer, trailingFooter = true): Promise<SparseLayout> {
    const headerOffset = footer.dataOffset!;
    if (headerOffset % SECTOR !== 0 || headerOffset + DYNAMIC_HEADER_SIZE > file.size)
      throw new DiskError('CORRUPT', file.path, `the dynamic header offset ${headerOffset} lies outside the file`);
    const parsed = parseDynamicHeader(await file.readAt(headerOffset, DYNAMIC_HEADER_SIZE, 'dynamic header'));
    if (!parsed) throw new DiskError('CORRUPT', file.path, `no dynamic header ("cxsparse") at offset ${headerOffset}`);
    if (parsed.problems.length > 0) throw new DiskError('CORRUPT', file.path, parsed.problems.join('; '));
    const header = parsed.header;
    validateGeometry(file, footer, header);
    const batBytes = await file.readAt(header.tableOffset, header.maxTableEntries * 4, 'block allocation table');
    const bat = new Uint32Array(header.maxTableEntries);
    const view = new DataView(batBytes.buffer);
    for (let i = 0; i < bat.length; i++) bat[i] = view.getUint32(i * 4);
    const layout = new SparseLayout(file, footer, header, headerOffset, bat, 0);
    layout.dataEnd = trailingFooter ? alignDown(file.size - FOOTER_SIZE) : file.size;
    layout.appendOffset = Math.max(layout.metadataEnd(), layout.dataEnd);
    return layout;
  }

  get blockSize(): number {
    return this.header.blockSize;
  }

  /** Blocks that cover the disk's current size (the BAT may hold more entries). */
  get blockCount(): number {
    return Math.ceil(this.footer.currentSize / this.header.blockSize);
  }

  /** Byte offset of block `i`'s sector bitmap, or null when the block is not allocated. */
  blockOffset(i: number): number | null {
    const entry = this.bat[i];
    return entry === undefined || entry === BAT_UNUSED ? null : entry * SECTOR;
  }

  /** The end of everything the metadata references: header, BAT, locator data and every block. */
  metadataEnd(): number {
    let end = FOOTER_SIZE;
    for (const e of this.metadataExtents()) end = Math.max(end, e.end);
    for (let i = 0; i < this.bat.length; i++) {
      const at = this.blockOffset(i);
      if (at !== null) end = Math.max(end, at + this.stride);
    }
    return end;
  }

  extents(): Extent[] {
    const list = this.metadataExtents();
    for (let i = 0; i < this.bat.length; i++) {
      const at = this.blockOffset(i);
      if (at !== null) list.push({ start: at, end: at + this.stride, what: `block ${i}`, block: i });
    }
    return list;
  }

  /** Footer copy, header, BAT and parent locator data: everything but the blocks. */
  metadataExtents(): Extent[] {
    const h = this.header;
    const list: Extent[] = [
      { start: 0, end: FOOTER_SIZE, what: 'footer copy' },
      { start: this.headerOffset, end: this.headerOffset + DYNAMIC_HEADER_SIZE, what: 'dynamic header' },
      { start: h.tableOffset, end: alignUp(h.tableOffset + this.bat.length * 4), what: 'block allocation table' },
    ];
    h.locators.forEach((l, i) => {
      if (l.platformCode !== 0 && l.dataLength > 0)
        list.push({ start: l.dataOffset, end: l.dataOffset + locatorSpan(l), what: `parent locator ${i}` });
    });
    return list;
  }

  /**
   * Claims `bytes` at the end of the file for a new block or locator. The footer moves past the claimed
   * space first, so the file always ends in a footer.
   */
  async claim(bytes: number): Promise<number> {
    const at = this.appendOffset;
    await this.file.write(this.footerBytes, at + alignUp(bytes));
    this.appendOffset = this.dataEnd = at + alignUp(bytes);
    return at;
  }

  /**
   * Blocks and locators that end past the data in the file: the file was cut short (or a pointer is wild).
   * Their data is lost; while any exists the file must not be written, or a new block could land where such
   * a pointer points and two blocks would share one place.
   */
  extentsPastEnd(): Extent[] {
    return this.extents().filter((e) => e.end > this.dataEnd);
  }

  /** Told when a block's place in the file changes (so caches of it can be dropped). */
  onBlockChange?: (block: number) => void;

  async setBatEntry(block: number, sector: number): Promise<void> {
    this.bat[block] = sector;
    this.onBlockChange?.(block);
    const first = block - (block % 128); // one 512-byte sector of the BAT holds 128 entries
    const count = Math.min(128, this.bat.length - first);
    await this.file.write(this.encodeBat(first, count), this.header.tableOffset + first * 4);
  }

  encodeBat(first = 0, count = this.bat.length): Uint8Array {
    const bytes = new Uint8Array(count * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < count; i++) view.setUint32(i * 4, this.bat[first + i]!);
    return bytes;
  }

  async writeHeader(header: DynamicHeader): Promise<void> {
    await this.file.write(encodeDynamicHeader(header), this.headerOffset);
    this.header = header;
  }

  /** Rewrites the trailing footer (first: it is the authoritative copy) and then the backup copy. */
  async writeFooters(footer: Footer = this.footer): Promise<void> {
    this.footer = footer;
    this.footerBytes = encodeFooter(footer);
    await this.file.write(this.footerBytes, this.appendOffset);
    await this.file.write(this.footerBytes, 0);
    this.dataEnd = this.appendOffset;
  }

  /**
   * Moves the trailing footer back to the end of what the metadata references and cuts the file there,
   * dropping space an interrupted allocation (or a crashed foreign writer) left unreferenced at the end.
   */
  async resetTail(footer: Footer = this.footer): Promise<void> {
    const lost = this.extentsPastEnd();
    if (lost.length > 0)
      throw new DiskError('CORRUPT', this.file.path, `${lost[0]!.what} lies past the end of the file: the footer cannot be placed without hiding that loss`);
    this.appendOffset = this.metadataEnd();
    await this.writeFooters(footer);
    await this.trimTail();
  }

  /** Drops anything past the trailing footer (space left by an interrupted allocation). */
  async trimTail(): Promise<void> {
    if (this.file.size > this.appendOffset + FOOTER_SIZE) await this.file.truncate(this.appendOffset + FOOTER_SIZE);
  }

  encodedFooter(): Uint8Array {
    return this.footerBytes;
  }
}

/**
 * Bytes a locator occupies. The spec says its data space is in sectors, Virtual PC and Hyper-V store bytes:
 * a value below 512 (or not a multiple of it) can only be sectors when read as bytes it could not hold the data.
 */
export function locatorSpan(l: { dataSpace: number; dataLength: number }): number {
  const space = l.dataSpace >= l.dataLength ? l.dataSpace : l.dataSpace * SECTOR;
  return Math.max(space, l.dataLength);
}

export function bitmapBytesFor(blockSize: number): number {
  return alignUp(Math.ceil(blockSize / SECTOR / 8));
}

export function alignUp(n: number, to = SECTOR): number {
  return Math.ceil(n / to) * to;
}

function validateGeometry(file: DiskFile, footer: Footer, h: DynamicHeader): void {
  const fail = (why: string) => new DiskError('CORRUPT', file.path, why);
  if (h.blockSize > MAX_BLOCK_SIZE) throw fail(`block size ${h.blockSize} is absurdly large`);
  const needed = Math.ceil(footer.currentSize / h.blockSize);
  if (h.maxTableEntries < needed)
    throw fail(`the block table has ${h.maxTableEntries} entries but the disk size needs ${needed}`);
  if (h.tableOffset + h.maxTableEntries * 4 > file.size)
    throw fail(`the block table (${h.maxTableEntries} entries at offset ${h.tableOffset}) runs past the end of the file`);
}
