import path from 'node:path';
import { createAtomically } from './atomic-file.js';
import { fullBitmap, isAllZero } from './bitmap.js';
import { newFooter, validateBlockSize } from './create.js';
import type { DiskFile } from './disk-file.js';
import type { Disk } from './disk.js';
import { DiskError } from './errors.js';
import { DEFAULT_BLOCK_SIZE, DiskType, MAX_VHD_SIZE } from './format/constants.js';
import { encodeFooter, type Footer } from './format/footer.js';
import { throwIfCancelled, type JobOptions } from './job.js';
import { openDisk } from './open.js';
import { planSkeleton, writeSkeleton } from './sparse-skeleton.js';
import { bitmapBytesFor } from './sparse-layout.js';

export type OutputType = 'raw' | 'fixed' | 'dynamic';

export interface ConvertOptions extends JobOptions {
  type: OutputType;
  /** Block size of a dynamic output (default 2 MiB). */
  blockSize?: number;
}

export interface ConvertResult {
  path: string;
  type: OutputType;
  virtualSize: number;
  /** Bytes of guest data written (all-zero space is skipped). */
  dataBytes: number;
}

/** Chunks read ahead of the one being written, and buffers in rotation (read-ahead plus writes in flight). */
const READ_AHEAD = 4;
const POOL = 8;
const FLUSH_EVERY = 64 * 1024 * 1024;
const RAW_CHUNK = 2 * 1024 * 1024;

/**
 * Copies a disk into a new file of another type: a raw image, a fixed VHD or a dynamic VHD. The input may
 * be a raw file, any VHD, or a differencing chain (flattened into one standalone disk). All-zero space is
 * never written: it becomes a hole in a raw or fixed output and an unallocated block in a dynamic one.
 */
export async function convertDisk(input: string, output: string, options: ConvertOptions): Promise<ConvertResult> {
  if (path.resolve(input) === path.resolve(output)) throw new DiskError('INVALID_ARGUMENT', output, 'input and output are the same file');
  const source = await openDisk(input, { allowRaw: true });
  try {
    if (options.type !== 'raw' && source.size > MAX_VHD_SIZE)
      throw new DiskError('INVALID_ARGUMENT', input, `${source.size} bytes is more than a VHD can hold (2040 GiB)`);
    const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    if (options.type === 'dynamic') validateBlockSize(output, blockSize);
    const sink = makeSink(options.type, source.size, blockSize);
    const dataBytes = await createAtomically(output, (file) => copy(source, file, sink, output, options), options.signal);
    return { path: path.resolve(output), type: options.type, virtualSize: sink.size, dataBytes };
  } finally {
    await source.close();
  }
}

/** Where converted chunks go, one implementation per output type. */
interface Sink {
  size: number;
  chunk: number;
  put(file: DiskFile, index: number, data: Uint8Array): Promise<void>;
  finish(file: DiskFile): Promise<void>;
}

function makeSink(type: OutputType, inputSize: number, blockSize: number): Sink {
  if (type === 'raw') return flatSink(inputSize, null);
  if (type === 'fixed') return flatSink(0, newFooter(DiskType.Fixed, inputSize));
  return dynamicSink(newFooter(DiskType.Dynamic, inputSize), blockSize);
}

function flatSink(rawSize: number, footer: Footer | null): Sink {
  const size = footer ? footer.currentSize : rawSize;
  return {
    size,
    chunk: RAW_CHUNK,
    put: (file, index, data) => file.write(data, index * RAW_CHUNK),
    async finish(file) {
      if (footer) await file.write(encodeFooter(footer), size);
      else if (file.size < size) await file.truncate(size); // the zero tail stays a hole
    },
  };
}

function dynamicSink(footer: Footer, blockSize: number): Sink {
  const skeleton = planSkeleton(footer, blockSize, null);
  const entries = skeleton.header.maxTableEntries;
  const bat = new Uint8Array(Math.ceil((entries * 4) / 512) * 512).fill(0xff);
  const batView = new DataView(bat.buffer);
  const bitmap = fullBitmap(bitmapBytesFor(blockSize));
  let next = skeleton.dataStart;
  return {
    size: footer.currentSize,
    chunk: blockSize,
    put(file, index, data) {
      const padded = data.length === blockSize ? data : padTo(data, blockSize);
      const at = next; // claimed now: several writes may be in flight
      next += bitmap.length + blockSize;
      batView.setUint32(index * 4, at / 512);
      return file.writev([bitmap, padded], at);
    },
    finish: (file) => writeSkeleton(file, footer, skeleton, null, bat, next),
  };
}

async function copy(source: Disk, file: DiskFile, sink: Sink, output: string, options: JobOptions): Promise<number> {
  const total = sink.size;
  const chunks = Math.ceil(total / sink.chunk);
  // Buffers are reused (sparing the kernel a page fault per 4 KiB of every chunk): chunk i reads into buffer
  // i % POOL, whose previous chunk's write must have finished by then.
  const pool = Array.from({ length: Math.min(POOL, chunks) }, () => new Uint8Array(sink.chunk));
  const reads = new Map<number, Promise<Uint8Array | null>>();
  const writes = new Map<number, Promise<void>>();
  const startRead = async (i: number) => {
    await writes.get(i - POOL); // the buffer's previous user
    writes.delete(i - POOL);
    const length = Math.min(sink.chunk, total - i * sink.chunk);
    const p = readIfData(source, i * sink.chunk, pool[i % POOL]!.subarray(0, length));
    p.catch(() => undefined); // awaited (and reported) in its turn
    reads.set(i, p);
  };
  let dataBytes = 0;
  // The output must be flushed before it gets its name; flushing as the copy goes (one flush at a time)
  // overlaps that work with the copy instead of leaving it all for the end.
  let flushing: Promise<void> = Promise.resolve();
  let unflushed = 0;
  options.onProgress?.(0, total);
  for (let i = 0; i < Math.min(READ_AHEAD, chunks); i++) await startRead(i);
  for (let i = 0; i < chunks; i++) {
    throwIfCancelled(output, options);
    const data = await reads.get(i)!;
    reads.delete(i);
    if (data) {
      const w = sink.put(file, i, data);
      w.catch(() => undefined);
      writes.set(i, w);
      dataBytes += data.length;
      unflushed += data.length;
      if (unflushed >= FLUSH_EVERY) {
        unflushed = 0;
        flushing = flushing.then(() => file.sync());
        flushing.catch(() => undefined);
      }
    }
    if (i + READ_AHEAD < chunks) await startRead(i + READ_AHEAD);
    options.onProgress?.(Math.min(total, (i + 1) * sink.chunk), total);
  }
  await Promise.all(writes.values());
  await flushing;
  await sink.finish(file);
  return dataBytes;
}

/** Fills `into` with the chunk at `offset`; null when it is all zeros (known from the allocation maps, or by looking). */
async function readIfData(source: Disk, offset: number, into: Uint8Array): Promise<Uint8Array | null> {
  const inSource = Math.max(0, Math.min(into.length, source.size - offset));
  if (inSource === 0 || !source.mayHoldData(offset, inSource)) return null;
  await source.read(into.subarray(0, inSource), offset);
  into.fill(0, inSource);
  return isAllZero(into) ? null : into;
}

function padTo(data: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(data);
  return out;
}
