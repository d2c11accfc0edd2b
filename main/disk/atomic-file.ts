import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterDiskWrite } from './crash-points.js';
import { DiskFile } from './disk-file.js';
import { DiskError, cancelled, ioError } from './errors.js';

/**
 * Creates `target` all at once: the content is written to `<target>.kaso-partial`, made durable, and only
 * then given its name (never replacing an existing file). A crash or a cancel leaves no half-written file
 * under the real name; a left-over partial file is replaced by the next attempt.
 */
export async function createAtomically<T>(
  target: string,
  fill: (file: DiskFile) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const final = path.resolve(target);
  if (await exists(final)) throw new DiskError('EXISTS', final, 'the file already exists; choose another name or delete it first');
  const partial = partialPathOf(final);
  await fs.rm(partial, { force: true });
  const file = await DiskFile.open(partial, 'create');
  let result: T;
  try {
    result = await fill(file);
    if (signal?.aborted) throw cancelled(final);
    await file.sync();
  } catch (e) {
    await file.close();
    await fs.rm(partial, { force: true });
    throw e;
  }
  await file.close();
  await publish(partial, final);
  return result;
}

export function partialPathOf(final: string): string {
  return `${final}.kaso-partial`;
}

async function publish(partial: string, final: string): Promise<void> {
  try {
    await fs.link(partial, final); // fails if `final` appeared meanwhile: never clobber
  } catch (e) {
    await fs.rm(partial, { force: true });
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new DiskError('EXISTS', final, 'the file already exists');
    throw ioError(final, 'naming the new file', e);
  }
  await fs.rm(partial, { force: true });
  await syncDirectory(path.dirname(final));
}

/** Makes a rename or link durable (POSIX: the directory entry lives in the directory). */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const h = await fs.open(dir, 'r').catch(() => null);
  if (!h) return;
  await h.sync().catch(() => undefined);
  await h.close();
}

/**
 * Replaces a file's content atomically (write new, then rename over the old one). With `durable: false` the
 * content is not forced to the storage first: a killed process still leaves the old file or the new one
 * (the page cache survives it), and the caller makes it durable later with `syncFile`.
 */
export async function replaceAtomically(target: string, content: string | Uint8Array | Uint8Array[], durable = true): Promise<void> {
  const tmp = `${target}.kaso-new`;
  const h = await fs.open(tmp, 'w', 0o644);
  try {
    if (Array.isArray(content)) await writeAll(h, content); // the pieces as they are, without joining them first
    else await h.writeFile(content);
    if (durable) await h.sync();
  } finally {
    await h.close();
  }
  afterDiskWrite();
  await fs.rename(tmp, target);
  await syncDirectory(path.dirname(target));
  afterDiskWrite();
}

async function writeAll(h: fs.FileHandle, pieces: Uint8Array[]): Promise<void> {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  const { bytesWritten } = await h.writev(pieces, 0);
  if (bytesWritten !== total) throw new Error(`wrote ${bytesWritten} of ${total} bytes (is the disk full?)`);
}

/** Forces a file's content and its name to the storage. */
export async function syncFile(file: string): Promise<void> {
  const h = await fs.open(file, 'r+');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
  await syncDirectory(path.dirname(file));
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}
