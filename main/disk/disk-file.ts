import { constants, read as readFd, promises as fs, type Stats } from 'node:fs';
import { afterDiskWrite } from './crash-points.js';
import { DiskError, ioError } from './errors.js';

export type OpenMode = 'read' | 'write' | 'create';

/**
 * One host file (or device) behind a disk, with the guarantees the rest of the library builds on:
 * reads never go past the end of the file (a pointer outside it is a corruption, reported as such, never a
 * silent zero-fill), short reads and writes are retried, and every failure names the file.
 */
export class DiskFile {
  private constructor(
    readonly path: string,
    private readonly handle: fs.FileHandle,
    public size: number,
    readonly writable: boolean,
  ) {}

  static async open(path: string, mode: OpenMode, knownSize?: number): Promise<DiskFile> {
    const flags =
      mode === 'read'
        ? constants.O_RDONLY
        : mode === 'write'
          ? constants.O_RDWR
          : constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, flags, 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new DiskError('EXISTS', path, 'the file already exists');
      throw ioError(path, 'opening', e);
    }
    let stat: Stats;
    try {
      stat = await handle.stat();
    } catch (e) {
      await handle.close();
      throw ioError(path, 'reading file size', e);
    }
    return new DiskFile(path, handle, knownSize ?? stat.size, mode !== 'read');
  }

  /** Fills `buffer` from `position`; anything past the end of the file is corruption, not zeros. */
  async readExact(buffer: Uint8Array, position: number, what = 'data'): Promise<void> {
    if (position < 0 || position + buffer.length > this.size) {
      throw new DiskError(
        'CORRUPT',
        this.path,
        `${what} at offset ${position} (+${buffer.length}) lies outside the file (${this.size} bytes)`,
      );
    }
    let done = 0;
    while (done < buffer.length) {
      let n: number;
      try {
        n = await this.readSome(buffer, done, position + done);
      } catch (e) {
        throw ioError(this.path, `reading ${what}`, e);
      }
      if (n === 0) throw new DiskError('CORRUPT', this.path, `the file ends inside ${what} at offset ${position + done}`);
      done += n;
    }
  }

  /**
   * One read on the descriptor with the callback API: for the small reads a guest makes, FileHandle.read's
   * promise machinery cost about twice the read itself (measured through the NBD server).
   */
  private readSome(buffer: Uint8Array, offset: number, position: number): Promise<number> {
    return new Promise((resolve, reject) => readFd(this.handle.fd, buffer, offset, buffer.length - offset, position, (e, n) => (e ? reject(e) : resolve(n))));
  }

  async readAt(position: number, length: number, what?: string): Promise<Uint8Array> {
    const b = new Uint8Array(length);
    await this.readExact(b, position, what);
    return b;
  }

  async write(buffer: Uint8Array, position: number): Promise<void> {
    if (!this.writable) throw new DiskError('READ_ONLY', this.path, 'the disk is open read-only');
    let done = 0;
    while (done < buffer.length) {
      try {
        const { bytesWritten } = await this.handle.write(buffer, done, buffer.length - done, position + done);
        done += bytesWritten;
      } catch (e) {
        throw ioError(this.path, 'writing', e);
      }
    }
    this.size = Math.max(this.size, position + buffer.length);
    afterDiskWrite();
  }

  /** Contiguous buffers written in one system call where the host allows. */
  async writev(buffers: Uint8Array[], position: number): Promise<void> {
    if (!this.writable) throw new DiskError('READ_ONLY', this.path, 'the disk is open read-only');
    const total = buffers.reduce((n, b) => n + b.length, 0);
    let written: number;
    try {
      ({ bytesWritten: written } = await this.handle.writev(buffers, position));
    } catch (e) {
      throw ioError(this.path, 'writing', e);
    }
    if (written < total) {
      const rest = Buffer.concat(buffers).subarray(written);
      this.size = Math.max(this.size, position + written);
      await this.write(rest, position + written);
      return;
    }
    this.size = Math.max(this.size, position + total);
    afterDiskWrite();
  }

  async sync(): Promise<void> {
    if (!this.writable) return;
    try {
      await this.handle.datasync();
    } catch (e) {
      throw ioError(this.path, 'flushing', e);
    }
  }

  async truncate(length: number): Promise<void> {
    try {
      await this.handle.truncate(length);
    } catch (e) {
      throw ioError(this.path, 'resizing', e);
    }
    this.size = length;
    afterDiskWrite();
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}
