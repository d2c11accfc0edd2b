import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * A classic libpcap file (the format Wireshark and tcpdump open everywhere): a global header, then each
 * frame with its time and length. Written as a stream so a long capture costs no memory.
 */
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 65535;

export class PcapWriter {
  private readonly out: WriteStream;
  frames = 0;
  private failed: string | null = null;

  constructor(readonly file: string) {
    this.out = createWriteStream(file, { flags: 'w', mode: 0o600 });
    this.out.on('error', (e) => (this.failed = e.message));
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0); // microsecond timestamps
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(SNAPLEN, 16);
    header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    this.out.write(header);
  }

  get error(): string | null {
    return this.failed;
  }

  write(frame: Uint8Array, atMs = Date.now()): void {
    if (this.failed) return;
    const record = Buffer.alloc(16);
    const micros = Math.round(atMs * 1000);
    record.writeUInt32LE(Math.floor(micros / 1e6), 0);
    record.writeUInt32LE(micros % 1e6, 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    this.out.write(record);
    this.out.write(Buffer.from(frame)); // a copy: the caller's frame may be reused
    this.frames++;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}
