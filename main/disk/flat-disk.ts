import type { DiskFile } from './disk-file.js';
import { checkRange, type Disk, type DiskKind, type MappableDisk, type Piece } from './disk.js';
import { DiskError } from './errors.js';
import type { Footer } from './format/footer.js';
import { RwLock } from './rw-lock.js';

/**
 * A disk whose guest bytes sit in one run at the start of a file or device: a fixed VHD (data, then the
 * footer), a raw image, or a linked physical drive.
 */
export class FlatDisk implements Disk, MappableDisk {
  readonly parent = null;
  private readonly lock = new RwLock();

  constructor(
    readonly path: string,
    readonly kind: DiskKind,
    private readonly file: DiskFile,
    readonly size: number,
    readonly footer: Footer | null,
  ) {}

  get uniqueId(): Uint8Array | null {
    return this.footer?.uniqueId ?? null;
  }

  get readOnly(): boolean {
    return !this.file.writable;
  }

  async read(buffer: Uint8Array, offset: number): Promise<void> {
    checkRange(this.path, this.size, offset, buffer.length);
    return this.lock.read(() => this.file.readExact(buffer, offset));
  }

  async write(data: Uint8Array, offset: number): Promise<void> {
    if (this.readOnly) throw new DiskError('READ_ONLY', this.path, 'the disk is open read-only');
    checkRange(this.path, this.size, offset, data.length);
    return this.lock.write(() => this.file.write(data, offset));
  }

  flush(): Promise<void> {
    return this.lock.write(() => this.file.sync());
  }

  close(): Promise<void> {
    return this.lock.write(() => this.file.close());
  }

  mapRange(offset: number, length: number, into: number, out: Piece[]): boolean {
    out.push({ file: this.file, at: offset, into, length, what: 'data' });
    return true;
  }

  mayHoldData(): boolean {
    return true;
  }
}
