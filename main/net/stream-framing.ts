/**
 * QEMU's `-netdev stream` framing, which passt speaks too: each Ethernet frame is preceded by its length as
 * a 32-bit big-endian number. NIC links (engine ↔ netd), passt links and, later, QEMU's NICs all use it.
 */

/** The largest frame a link accepts: a jumbo frame and its header. Anything longer means the stream is corrupt. */
export const MAX_STREAM_FRAME = 65536;

export function encodeFrame(frame: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + frame.length);
  out.writeUInt32BE(frame.length, 0);
  out.set(frame, 4);
  return out;
}

/** Collects stream chunks and hands out whole frames; a length over the limit is a broken stream. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onFrame: (frame: Uint8Array) => void,
    private readonly onCorrupt: (why: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= 4) {
      const len = buf.readUInt32BE(at);
      if (len > MAX_STREAM_FRAME) {
        this.pending = Buffer.alloc(0);
        return this.onCorrupt(`a frame of ${len} bytes (the stream is out of step)`);
      }
      if (buf.length - at - 4 < len) break;
      // A copy: the frame outlives this chunk (queues, captures), and chunks are pooled.
      this.onFrame(Uint8Array.prototype.slice.call(buf, at + 4, at + 4 + len));
      at += 4 + len;
    }
    buf = buf.subarray(at);
    this.pending = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
  }
}

/** What FrameWriter writes to: a socket, or passt's end of a socket pair. */
interface Writable {
  readonly destroyed: boolean;
  readonly writableLength: number;
  write(chunk: Uint8Array): boolean;
  cork(): void;
  uncork(): void;
}

/**
 * Frames out on a stream link. Frames handed over in one turn of the event loop go down in one write (one
 * system call, not one each); beyond `maxQueuedBytes` waiting for a slow reader, frames are dropped, as a
 * NIC with a full ring drops them. The frame is copied, so it may be a view into guest memory.
 */
export class FrameWriter {
  private corked = false;

  constructor(
    private readonly out: Writable,
    private readonly maxQueuedBytes: number,
  ) {}

  write(frame: Uint8Array): boolean {
    if (this.out.destroyed || this.out.writableLength > this.maxQueuedBytes) return false;
    if (!this.corked) {
      this.corked = true;
      this.out.cork();
      process.nextTick(() => {
        this.corked = false;
        this.out.uncork();
      });
    }
    this.out.write(encodeFrame(frame));
    return true;
  }
}
