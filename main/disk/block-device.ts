/**
 * The block-device contract: what an engine (v86, the NBD server for QEMU) reads and writes. A VHD chain,
 * a fixed VHD, a raw image and a physical drive all implement it.
 *
 * Requests may have any offset and length inside [0, size). Requests are served in the order they are
 * issued: a read issued after a write sees that write, even before flush. flush() makes every write before
 * it durable (it survives a crash of this process and of the host).
 */
export interface BlockDevice {
  /** Bytes the guest sees. */
  readonly size: number;
  readonly readOnly: boolean;
  read(buffer: Uint8Array, offset: number): Promise<void>;
  write(data: Uint8Array, offset: number): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
  /**
   * False when the range is known to read as zeros without looking (no data allocated anywhere in the chain).
   * Converters use it to skip empty space; true is always a safe answer.
   */
  mayHoldData(offset: number, length: number): boolean;
}
