import type { BlockDevice } from '../../disk/index.js';

/**
 * A block device as v86 wants a disk image: byteLength, load(), get() and set() with callbacks. Requests
 * reach the device in the order v86 makes them (the device serves them in that order too), so a read
 * after a write always sees it, even for PIO writes whose callback v86 ignores.
 */
export class V86DiskAdapter {
  readonly byteLength: number;
  onload?: (e: object) => void;
  onprogress?: (e: object) => void;
  /** Requests in flight: a state save waits until there are none. */
  pending = 0;
  private firstSector: Uint8Array | null = null;
  private drainWaiters: (() => void)[] = [];

  constructor(
    private device: BlockDevice,
    private readonly onError: (message: string) => void,
  ) {
    this.byteLength = device.size;
  }

  /** v86 asks for sector 0 synchronously (to guess the geometry): have it ready before boot. */
  async preload(): Promise<void> {
    if (this.byteLength < 512) return;
    const b = new Uint8Array(512);
    await this.device.read(b, 0);
    this.firstSector = b;
  }

  load(): void {
    this.onload?.({});
  }

  get(start: number, length: number, done: (data: Uint8Array) => void): void {
    const buffer = new Uint8Array(length);
    this.track(this.device.read(buffer, start).then(() => done(buffer)));
  }

  get_and_cache(start: number, length: number, done: (data: Uint8Array) => void): void {
    this.get(start, length, done);
  }

  get_from_cache(start: number, length: number): Uint8Array | undefined {
    return start === 0 && length <= 512 && this.firstSector ? this.firstSector.subarray(0, length) : undefined;
  }

  set(start: number, data: Uint8Array, done?: () => void): void {
    if (this.device.readOnly) {
      this.onError('the guest wrote to a read-only drive; the write was dropped');
      done?.();
      return;
    }
    const copy = data.slice(); // v86 hands views into guest memory that change after this call
    if (start === 0 && this.firstSector) this.firstSector.set(copy.subarray(0, Math.min(512, copy.length)));
    this.track(this.device.write(copy, start).then(() => done?.()));
  }

  /** The disk's content lives in its file, not in the machine state. */
  get_state(): unknown[] {
    return [this.byteLength];
  }

  set_state(): void {}

  /**
   * Serves the guest from another device of the same size from now on (a snapshot's new child disk).
   * Only between `drained()` and the next request: the guest is paused.
   */
  replaceDevice(device: BlockDevice): BlockDevice {
    if (device.size !== this.byteLength) throw new Error(`the new disk has ${device.size} bytes, the guest's has ${this.byteLength}`);
    const old = this.device;
    this.device = device;
    return old;
  }

  /** Resolves when no request is in flight. */
  drained(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((r) => this.drainWaiters.push(r));
  }

  private track(work: Promise<void>): void {
    this.pending++;
    work
      .catch((e: unknown) => this.onError(`disk ${(e as Error).message}`))
      .finally(() => {
        if (--this.pending === 0) this.drainWaiters.splice(0).forEach((w) => w());
      });
  }
}
