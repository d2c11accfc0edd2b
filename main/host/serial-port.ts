import { execFile } from 'node:child_process';
import { closeSync, createWriteStream, promises as fs, write, type WriteStream } from 'node:fs';
import net from 'node:net';
import tty from 'node:tty';
import { promisify } from 'node:util';
import type { ComPort } from '../api/vm-settings.js';

const RING_BYTES = 1024 * 1024;

/**
 * One COM port of a running VM and where it leads, as Virtual Server mapped COM ports to named pipes:
 *  - terminal: the console's serial tab (and `kaso vm serial`);
 *  - pty: a host pseudo-terminal, so `screen /dev/pts/N` or minicom can attach;
 *  - socket: a unix socket (a named pipe on Windows) any program can connect to;
 *  - file: everything the guest sends, appended to a file.
 * Whatever the mode, the last megabyte the guest sent is kept for readers that join late.
 */
export class SerialPort {
  /** Where an outside program reaches the port (shown to the user), or null. */
  endpoint: string | null = null;
  private ring = new Uint8Array(RING_BYTES);
  private written = 0;
  private readonly listeners = new Set<(data: Uint8Array) => void>();
  private closers: (() => void | Promise<void>)[] = [];
  private sinks: ((data: Uint8Array) => void)[] = [];

  constructor(
    readonly port: 1 | 2,
    private readonly setting: ComPort,
    private readonly toGuest: (data: Uint8Array) => void,
  ) {}

  async open(vmId: string, runtimeDir: string): Promise<void> {
    switch (this.setting.mode) {
      case 'pty':
        return this.openPty();
      case 'socket':
        return this.openSocket(this.setting.path, vmId, runtimeDir);
      case 'file':
        return this.openFile(this.setting.path);
      default:
        return;
    }
  }

  /** Bytes from the guest. */
  fromGuest(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.ring[(this.written + i) % RING_BYTES] = data[i]!;
    this.written += data.length;
    for (const s of this.sinks) s(data);
    for (const l of this.listeners) l(data);
  }

  /** Bytes for the guest, from the terminal tab or the CLI. */
  send(data: Uint8Array): void {
    this.toGuest(data);
  }

  /** What the guest sent since position `since` (as much as the ring still holds), and the next position. */
  read(since = 0): { data: Uint8Array; next: number } {
    const from = Math.min(this.written, Math.max(since, this.written - RING_BYTES, 0));
    const out = new Uint8Array(this.written - from);
    for (let i = 0; i < out.length; i++) out[i] = this.ring[(from + i) % RING_BYTES]!;
    return { data: out, next: this.written };
  }

  get position(): number {
    return this.written;
  }

  subscribe(listener: (data: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    for (const c of this.closers.splice(0)) await c();
    this.listeners.clear();
  }

  private async openPty(): Promise<void> {
    if (process.platform === 'win32') throw new Error('host pseudo-terminals do not exist on Windows: use a named pipe (socket mode)');
    const { default: pty } = (await import('node-pty')) as unknown as { default: { native: { open(cols: number, rows: number): { master: number; slave: number; pty: string } } } };
    const t = pty.native.open(80, 24);
    // Raw and without echo, or the guest would read back its own output before anyone attaches.
    await promisify(execFile)('stty', [process.platform === 'darwin' ? '-f' : '-F', t.pty, 'raw', '-echo']);
    const master = new tty.ReadStream(t.master);
    master.on('data', (d: Buffer) => this.send(new Uint8Array(d)));
    master.on('error', () => undefined); // EIO while no client is attached: not an error for us
    this.sinks.push((data) => write(t.master, data, () => undefined));
    this.endpoint = t.pty;
    // Our copy of the slave stays open (unread) so the terminal lives while no client is attached.
    this.closers.push(() => {
      master.destroy();
      closeSync(t.slave);
    });
  }

  private async openSocket(setting: string, vmId: string, runtimeDir: string): Promise<void> {
    const where =
      process.platform === 'win32' ? (setting.startsWith('\\\\') ? setting : `\\\\.\\pipe\\${setting}`) : setting || `${runtimeDir}/${vmId}-com${this.port}.sock`;
    if (process.platform !== 'win32') await fs.rm(where, { force: true });
    const clients = new Set<net.Socket>();
    const server = net.createServer((c) => {
      clients.add(c);
      c.on('data', (d) => this.send(new Uint8Array(d)));
      c.on('close', () => clients.delete(c));
      c.on('error', () => clients.delete(c));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new Error(`COM${this.port}: cannot listen on ${where}: ${e.message}`)));
      server.listen(where, () => resolve());
    });
    this.sinks.push((data) => clients.forEach((c) => c.write(data)));
    this.endpoint = where;
    this.closers.push(
      () =>
        new Promise<void>((r) => {
          clients.forEach((c) => c.destroy());
          server.close(() => r());
        }),
    );
  }

  private async openFile(file: string): Promise<void> {
    const out: WriteStream = createWriteStream(file, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', (e) => reject(new Error(`COM${this.port}: cannot write to ${file}: ${e.message}`)));
    });
    this.sinks.push((data) => out.write(data));
    this.endpoint = file;
    this.closers.push(() => new Promise<void>((r) => out.end(() => r())));
  }
}
