/**
 * Bytes received but not yet parsed (an NBD or RFB connection's), as the list of chunks the socket
 * delivered: a message that lies in one chunk is handed out as a view of it, without copying.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private first = 0;
  private offsetInFirst = 0;
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The next `n` bytes (n <= length), consumed. */
  take(n: number): Buffer {
    if (n > this.length) throw new RangeError(`take(${n}) with ${this.length} bytes queued`);
    const head = this.chunks[this.first];
    if (head && head.length - this.offsetInFirst >= n) {
      const out = head.subarray(this.offsetInFirst, this.offsetInFirst + n);
      this.advance(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    for (let filled = 0; filled < n; ) {
      const c = this.chunks[this.first]!;
      const part = Math.min(c.length - this.offsetInFirst, n - filled);
      c.copy(out, filled, this.offsetInFirst, this.offsetInFirst + part);
      filled += part;
      this.advance(part);
    }
    return out;
  }

  /** Drops up to `n` bytes; returns how many were dropped. */
  skip(n: number): number {
    const dropped = Math.min(n, this.length);
    for (let left = dropped; left > 0; ) {
      const part = Math.min(this.chunks[this.first]!.length - this.offsetInFirst, left);
      this.advance(part);
      left -= part;
    }
    return dropped;
  }

  private advance(n: number): void {
    this.length -= n;
    this.offsetInFirst += n;
    if (this.offsetInFirst < this.chunks[this.first]!.length) return;
    this.first++;
    this.offsetInFirst = 0;
    // Compact now and then rather than shifting the array on every chunk.
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first > 64) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}
