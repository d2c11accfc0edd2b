import {
  BoundedCache,
  FULL,
  allSet,
  fullBitmap,
  isAllZero,
  sectorRuns,
  sectorSpan,
  setBits,
  type BlockBitmap,
} from './bitmap.js';
import { checkRange, clipPieces, isMappable, mergePieces, readPieces, type Disk, type MappableDisk, type Piece } from './disk.js';
import { DiskError } from './errors.js';
import { DiskType, SECTOR } from './format/constants.js';
import { virtualSizeOf, type Footer } from './format/footer.js';
import { RwLock } from './rw-lock.js';
import type { SparseLayout } from './sparse-layout.js';

/** One piece of a request that falls inside a single block. */
interface Segment {
  block: number;
  inBlock: number;
  /** Offset of the piece within the request (and its buffer). */
  at: number;
  length: number;
}

/**
 * A dynamically expanding or differencing VHD. Reads walk the sector bitmaps down the chain; writes go to
 * this file only, allocating blocks at the end of the file (see SparseLayout for the write order that keeps
 * the file valid at every step).
 */
export class SparseDisk implements Disk, MappableDisk {
  readonly size: number;
  private readonly lock = new RwLock();
  private readonly bitmaps = new BoundedCache<number, BlockBitmap>();
  private readonly blockMaps = new BoundedCache<number, Piece[]>();
  private readonly sectorsPerBlock: number;

  constructor(
    readonly path: string,
    private readonly layout: SparseLayout,
    readonly parent: Disk | null,
  ) {
    this.size = virtualSizeOf(layout.footer);
    this.sectorsPerBlock = layout.blockSize / SECTOR;
    layout.onBlockChange = (block) => this.forget(block);
  }

  /** Drops what is cached about a block whose bitmap or place changed. */
  private forget(block: number): void {
    this.bitmaps.delete(block);
    this.blockMaps.delete(block);
  }

  get kind(): 'dynamic' | 'differencing' {
    return this.layout.footer.diskType === DiskType.Differencing ? 'differencing' : 'dynamic';
  }

  get readOnly(): boolean {
    return !this.layout.file.writable;
  }

  get uniqueId(): Uint8Array {
    return this.layout.footer.uniqueId;
  }

  get footer(): Footer {
    return this.layout.footer;
  }

  /** The file's layout, for the operations (check, compact, expand) that work below the block level. */
  get vhd(): SparseLayout {
    return this.layout;
  }

  async read(buffer: Uint8Array, offset: number): Promise<void> {
    checkRange(this.path, this.size, offset, buffer.length);
    return this.lock.read(() => this.readRange(buffer, offset));
  }

  async write(data: Uint8Array, offset: number): Promise<void> {
    if (this.readOnly) throw new DiskError('READ_ONLY', this.path, 'the disk is open read-only');
    checkRange(this.path, this.size, offset, data.length);
    return this.lock.write(() => this.writeRange(data, offset));
  }

  flush(): Promise<void> {
    return this.lock.write(() => this.layout.file.sync());
  }

  async close(): Promise<void> {
    await this.lock.write(() => this.layout.file.close());
    await this.parent?.close();
  }

  mayHoldData(offset: number, length: number): boolean {
    for (const s of this.segments(offset, length)) {
      if (this.layout.blockOffset(s.block) !== null) return true;
      if (this.parent && offset + s.at < this.parent.size) {
        const inParent = Math.min(s.length, this.parent.size - (offset + s.at));
        if (this.parent.mayHoldData(offset + s.at, inParent)) return true;
      }
    }
    return false;
  }

  /** Whether block `i` is allocated in this file (not counting parents). */
  isAllocated(block: number): boolean {
    return this.layout.blockOffset(block) !== null;
  }

  /** The bitmap of an allocated block, from the cache or the file. */
  async blockBitmap(block: number): Promise<BlockBitmap> {
    const at = this.layout.blockOffset(block);
    if (at === null) throw new Error(`block ${block} is not allocated`);
    return this.loadBitmap(block, at);
  }

  private *segments(offset: number, length: number): Generator<Segment> {
    const bs = this.layout.blockSize;
    for (let at = 0; at < length; ) {
      const guest = offset + at;
      const inBlock = guest % bs;
      const len = Math.min(bs - inBlock, length - at);
      yield { block: Math.floor(guest / bs), inBlock, at, length: len };
      at += len;
    }
  }

  mapRange(offset: number, length: number, into: number, out: Piece[]): boolean {
    const bs = this.layout.blockSize;
    for (let done = 0; done < length; ) {
      const block = Math.floor((offset + done) / bs);
      const inBlock = offset + done - block * bs;
      const len = Math.min(bs - inBlock, length - done);
      const map = this.blockMap(block);
      if (!map) return false;
      clipPieces(map, inBlock, len, into + done, out);
      done += len;
    }
    return true;
  }

  /**
   * Where every byte of a block lives, through the whole chain, as merged pieces: computed once from the
   * bitmaps of every layer, then kept until this disk changes the block (the layers below never change).
   */
  private blockMap(block: number): Piece[] | null {
    const cached = this.blockMaps.get(block);
    if (cached) return cached;
    const start = block * this.layout.blockSize;
    const length = Math.min(this.layout.blockSize, this.size - start);
    const pieces: Piece[] = [];
    if (!this.mapBlock(block, length, pieces)) return null;
    const merged = mergePieces(pieces);
    this.blockMaps.set(block, merged);
    return merged;
  }

  /** The pieces of [0, length) of a block, `into` counted from the block's start; false if a bitmap is not loaded. */
  private mapBlock(block: number, length: number, out: Piece[]): boolean {
    const guest = block * this.layout.blockSize;
    const at = this.layout.blockOffset(block);
    if (at === null) return this.mapBelow(guest, length, 0, out);
    const bitmap = this.bitmaps.get(block);
    if (bitmap === undefined) return false;
    const dataAt = at + this.layout.bitmapBytes;
    const what = `block ${block}`;
    const { count } = sectorSpan(0, length);
    for (const [sector, n, present] of sectorRuns(bitmap, 0, count)) {
      const from = sector * SECTOR;
      const to = Math.min((sector + n) * SECTOR, length);
      if (present) out.push({ file: this.layout.file, at: dataAt + from, into: from, length: to - from, what });
      else if (!this.mapBelow(guest + from, to - from, from, out)) return false;
    }
    return true;
  }

  private mapBelow(guest: number, length: number, into: number, out: Piece[]): boolean {
    const fromParent = this.parent ? Math.max(0, Math.min(length, this.parent.size - guest)) : 0;
    if (fromParent > 0) {
      if (!isMappable(this.parent) || !this.parent.mapRange(guest, fromParent, into, out)) return false;
    }
    if (fromParent < length) out.push({ file: null, at: 0, into: into + fromParent, length: length - fromParent, what: 'zeros' });
    return true;
  }

  private async readRange(buffer: Uint8Array, offset: number): Promise<void> {
    // Fast path: every map needed is in memory, so the whole chain read is a list of file reads.
    const pieces: Piece[] = [];
    if (this.mapRange(offset, buffer.length, 0, pieces)) return readPieces(buffer, pieces);
    // Slow path: walks the chain, loading the bitmaps it meets (the next read of this range takes the fast path).
    const work: Promise<void>[] = [];
    for (const s of this.segments(offset, buffer.length))
      work.push(this.readSegment(s, buffer.subarray(s.at, s.at + s.length), offset + s.at));
    await Promise.all(work);
  }

  private async readSegment(s: Segment, target: Uint8Array, guest: number): Promise<void> {
    const at = this.layout.blockOffset(s.block);
    if (at === null) return this.readBelow(target, guest);
    const bitmap = await this.loadBitmap(s.block, at);
    const dataAt = at + this.layout.bitmapBytes;
    const what = `block ${s.block}`;
    if (bitmap === FULL) return this.layout.file.readExact(target, dataAt + s.inBlock, what);
    const { first, count } = sectorSpan(s.inBlock, s.length);
    const work: Promise<void>[] = [];
    for (const [sector, n, present] of sectorRuns(bitmap, first, count)) {
      const from = Math.max(sector * SECTOR, s.inBlock);
      const to = Math.min((sector + n) * SECTOR, s.inBlock + s.length);
      const part = target.subarray(from - s.inBlock, to - s.inBlock);
      work.push(present ? this.layout.file.readExact(part, dataAt + from, what) : this.readBelow(part, guest + from - s.inBlock));
    }
    await Promise.all(work);
  }

  /** Sectors this file does not hold: the parent's, or zeros past the parent's end (or with no parent). */
  private async readBelow(target: Uint8Array, guest: number): Promise<void> {
    const fromParent = this.parent ? Math.max(0, Math.min(target.length, this.parent.size - guest)) : 0;
    if (fromParent > 0) await this.parent!.read(target.subarray(0, fromParent), guest);
    target.fill(0, fromParent);
  }

  private async loadBitmap(block: number, at: number): Promise<BlockBitmap> {
    const cached = this.bitmaps.get(block);
    if (cached !== undefined) return cached;
    const bytes = await this.layout.file.readAt(at, this.layout.bitmapBytes, `sector bitmap of block ${block}`);
    const bitmap = allSet(bytes, this.sectorsPerBlock) ? FULL : bytes;
    this.bitmaps.set(block, bitmap);
    return bitmap;
  }

  /**
   * Differencing disks take whole 4 KiB pages from the parent (copy-on-write), so their bitmaps mark
   * present data in whole bytes. The spec allows single sectors, but libvhdi (vhdimount) reads partially
   * marked groups wrongly, and guests write whole pages anyway.
   */
  private get writeGranularity(): number {
    return this.kind === 'differencing' ? 4096 : SECTOR;
  }

  private async writeRange(data: Uint8Array, offset: number): Promise<void> {
    const g = this.writeGranularity;
    const end = offset + data.length;
    if (offset % g !== 0 || (end % g !== 0 && end !== this.size)) return this.writeWidened(data, offset, g);
    for (const s of this.segments(offset, data.length)) await this.writeSegment(s, data.subarray(s.at, s.at + s.length));
  }

  /** A request not on the write granularity: read the pieces around it, patch them in, write the whole. */
  private async writeWidened(data: Uint8Array, offset: number, g: number): Promise<void> {
    const start = offset - (offset % g);
    const end = Math.min(Math.ceil((offset + data.length) / g) * g, this.size);
    const whole = new Uint8Array(end - start);
    const head = Math.min(g, whole.length);
    if (start < offset || head > data.length) await this.readRange(whole.subarray(0, head), start);
    const tailStart = Math.max(head, whole.length - g);
    if (tailStart < whole.length) await this.readRange(whole.subarray(tailStart), start + tailStart);
    whole.set(data, offset - start);
    await this.writeRange(whole, start);
  }

  private async writeSegment(s: Segment, chunk: Uint8Array): Promise<void> {
    const at = this.layout.blockOffset(s.block);
    if (at === null) {
      // An unallocated block of a dynamic disk already reads as zeros: writing zeros there changes nothing.
      if (this.kind === 'dynamic' && isAllZero(chunk)) return;
      return this.allocate(s, chunk);
    }
    const bitmap = await this.loadBitmap(s.block, at);
    await this.layout.file.write(chunk, at + this.layout.bitmapBytes + s.inBlock);
    if (bitmap === FULL) return;
    // Data first, then the bit that makes it visible: a crash in between leaves the old contents.
    const updated = bitmap.slice();
    const { first, count } = sectorSpan(s.inBlock, s.length);
    if (!setBits(updated, first, count)) return;
    await this.layout.file.write(updated, at);
    this.forget(s.block);
    this.bitmaps.set(s.block, allSet(updated, this.sectorsPerBlock) ? FULL : updated);
  }

  private async allocate(s: Segment, chunk: Uint8Array): Promise<void> {
    const { bitmapBytes, blockSize, stride } = this.layout;
    const wholeBlock = s.inBlock === 0 && s.length === blockSize;
    // A new block of a dynamic disk is all present (the rest of it reads as zeros from the file's hole);
    // in a differencing disk only the written sectors are, the rest still come from the parent.
    let bitmap: Uint8Array;
    if (this.kind === 'dynamic' || wholeBlock) bitmap = fullBitmap(bitmapBytes);
    else {
      bitmap = new Uint8Array(bitmapBytes);
      const { first, count } = sectorSpan(s.inBlock, s.length);
      setBits(bitmap, first, count);
    }
    const at = await this.layout.claim(stride);
    if (s.inBlock === 0) await this.layout.file.writev([bitmap, chunk], at);
    else {
      await this.layout.file.write(bitmap, at);
      await this.layout.file.write(chunk, at + bitmapBytes + s.inBlock);
    }
    await this.layout.setBatEntry(s.block, at / SECTOR); // forgets the block's cached maps
    this.bitmaps.set(s.block, allSet(bitmap, this.sectorsPerBlock) ? FULL : bitmap);
  }
}
