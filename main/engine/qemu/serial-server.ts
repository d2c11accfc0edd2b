import net, { type Server, type Socket } from 'node:net';

/** Bytes typed before QEMU has dialled in are kept up to this much. */
const MAX_WAITING_BYTES = 64 * 1024;

/**
 * One COM port's socket. This process listens and QEMU dials in (`reconnect=1`): QEMU holds the guest's
 * output until it is connected, so nothing the guest says before the console attaches is lost.
 */
export class SerialServer {
  private server: Server | null = null;
  private peer: Socket | null = null;
  private waiting: Buffer[] = [];
  private waitingBytes = 0;

  constructor(
    readonly path: string,
    private readonly fromGuest: (data: Uint8Array) => void,
  ) {}

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((s) => this.accept(s));
      this.server = server;
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
  }

  /** Bytes for the guest's port. */
  send(data: Uint8Array): void {
    if (this.peer) {
      this.peer.write(data);
      return;
    }
    if (this.waitingBytes + data.length > MAX_WAITING_BYTES) return;
    this.waiting.push(Buffer.from(data));
    this.waitingBytes += data.length;
  }

  close(): void {
    this.peer?.destroy();
    this.server?.close();
  }

  private accept(s: Socket): void {
    this.peer?.destroy();
    this.peer = s;
    s.on('data', (d: Buffer) => this.fromGuest(new Uint8Array(d.buffer, d.byteOffset, d.length)));
    s.on('error', () => {});
    s.on('close', () => {
      if (this.peer === s) this.peer = null;
    });
    for (const b of this.waiting.splice(0)) s.write(b);
    this.waitingBytes = 0;
  }
}
