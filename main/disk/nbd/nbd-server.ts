import { ByteQueue } from '../../streams/byte-queue.js';
import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import type { BlockDevice } from '../block-device.js';
import { isDiskError } from '../errors.js';
import {
  CLIENT_FLAGS_SIZE,
  Command,
  CommandFlag,
  NbdErrno,
  NbdProtocolError,
  OPTION_HEADER_SIZE,
  MAX_OPTION_DATA,
  REQUEST_HEADER_SIZE,
  SIMPLE_REPLY_SIZE,
  answerOption,
  answerOversizedOption,
  decodeClientFlags,
  decodeOptionHeader,
  decodeRequest,
  encodeGreeting,
  encodeSimpleReply,
  requestProblem,
  transmissionFlagsFor,
  writeSimpleReply,
  type ExportSummary,
  type OptionAnswer,
  type OptionHeader,
  type Request,
} from './nbd-protocol.js';

export interface NbdExportOptions {
  /** Refuse writes even when the device accepts them. The export is always read-only if the device is. */
  readOnly?: boolean;
  /** Shown to clients that ask for it (NBD_INFO_DESCRIPTION). */
  description?: string;
}

export interface NbdServerOptions {
  /**
   * Bytes one connection may hold for its requests in flight (read data not yet taken by the client, write
   * data not yet on the device) before the server stops reading its requests. Default 64 MiB.
   */
  maxBufferedBytes?: number;
}

/** Details of a warning; the event's first argument is the same message as one line. */
export interface NbdWarning {
  message: string;
  exportName?: string;
  /** The disk file involved, when a device failed. */
  path?: string;
}

/**
 * Only 'warning' is ever emitted, never 'error': an 'error' event nobody listens to would throw and take the
 * process down, and nothing a client sends may do that.
 */
export interface NbdServerEvents {
  warning: [message: string, detail: NbdWarning];
}

const DEFAULT_MAX_BUFFERED = 64 * 1024 * 1024;
/** WRITE_ZEROES has no payload and may cover gigabytes: it is written from one shared zero buffer this large. */
const ZERO_CHUNK = 1024 * 1024;
const SOCKET_PATH_MAX = 107;
const HANG_UP_GRACE_MS = 5000;
/** Idle read-reply buffers kept for reuse, across all connections. */
const REPLY_POOL_BYTES = 32 * 1024 * 1024;
let sharedZeros: Uint8Array | null = null;

/**
 * Serves block devices (VHD chains, fixed VHDs, raw images: anything implementing BlockDevice) to NBD
 * clients such as QEMU over a unix socket, under export names. Fixed newstyle negotiation, simple replies.
 *
 * Requests are handed to the device in the order they arrive, without waiting for earlier ones: the device
 * serves them in that order (the BlockDevice contract; the library's disks use a FIFO readers/writer lock),
 * so pipelined reads run concurrently and a read after a write sees it. Replies go out as requests finish.
 */
export class NbdServer extends EventEmitter<NbdServerEvents> {
  private readonly exports = new Map<string, ExportEntry>();
  private readonly connections = new Set<Connection>();
  private readonly server: net.Server;
  private readonly maxBuffered: number;
  private readonly replyBuffers = new ReplyBuffers(REPLY_POOL_BYTES);
  private listeningAt: string | null = null;
  private closing: Promise<void> | null = null;

  constructor(options: NbdServerOptions = {}) {
    super();
    this.maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
    // Half-open: a client that shuts its side down still gets the replies to what it sent before.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
  }

  get socketPath(): string | null {
    return this.listeningAt;
  }

  /** Makes `device` available as `name`. The device stays the caller's: the server never closes it. */
  addExport(name: string, device: BlockDevice, options: NbdExportOptions = {}): void {
    if (Buffer.byteLength(name, 'utf8') > 4096) throw new Error('an NBD export name is at most 4096 bytes');
    if (this.exports.has(name)) throw new Error(`there is already an NBD export named "${name}"`);
    const readOnly = (options.readOnly ?? false) || device.readOnly;
    this.exports.set(name, new ExportEntry(name, device, readOnly, options.description));
  }

  /** Stops serving `name`: its clients are disconnected once their requests finish; returns its device. */
  async removeExport(name: string): Promise<BlockDevice> {
    const entry = this.entry(name);
    this.exports.delete(name);
    await Promise.all([...entry.connections].map((c) => c.end()));
    await entry.drained();
    return entry.device;
  }

  exportNames(): string[] {
    return [...this.exports.keys()];
  }

  /**
   * Serves `next` under `name` from now on, clients staying connected. Requests that arrive meanwhile wait
   * until every request in flight on the old device has finished and (if anything was written to it through
   * this server) it has been flushed, so a FLUSH after the swap still covers writes acknowledged before it.
   * Resolves with the old device then. `next` must have the same size.
   */
  async replaceDevice(name: string, next: BlockDevice): Promise<BlockDevice> {
    const entry = this.entry(name);
    if (next.size !== entry.size) throw new Error(`the new device has ${next.size} bytes, export "${name}" has ${entry.size}`);
    if (next.readOnly && !entry.readOnly) throw new Error(`export "${name}" is writable and the new device is read-only`);
    return entry.swap(next, (e) => this.deviceFailed(entry, e, 'flushing the replaced device'));
  }

  /** Resolves when no request is in flight on `name` (on any export without a name). */
  async drained(name?: string): Promise<void> {
    const entries = name === undefined ? [...this.exports.values()] : [this.entry(name)];
    await Promise.all(entries.map((e) => e.drained()));
  }

  async listen(socketPath: string): Promise<void> {
    if (this.listeningAt) throw new Error(`the NBD server already listens on ${this.listeningAt}`);
    if (Buffer.byteLength(socketPath) > SOCKET_PATH_MAX)
      throw new Error(`unix socket path too long (${Buffer.byteLength(socketPath)} bytes, at most ${SOCKET_PATH_MAX}): ${socketPath}`);
    await removeStaleSocket(socketPath);
    await new Promise<void>((resolve, reject) => {
      const failed = (e: Error) => reject(new Error(`cannot listen on ${socketPath}: ${e.message}`));
      this.server.once('error', failed);
      this.server.listen(socketPath, () => {
        this.server.off('error', failed);
        this.server.on('error', (e) => this.warn({ message: `listening socket: ${e.message}` }));
        resolve();
      });
    });
    this.listeningAt = socketPath;
    // The socket gives whoever can reach it the guest's disks: only this user.
    await fs.chmod(socketPath, 0o600);
  }

  /**
   * Stops listening, lets the requests in flight finish, then ends every connection. The devices stay open:
   * closing them is their owner's business (safe once this resolves).
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const stopped = this.listeningAt ? new Promise<void>((r) => this.server.close(() => r())) : Promise.resolve();
    await Promise.all([...this.connections].map((c) => c.end()));
    await this.drained();
    await stopped;
    this.listeningAt = null;
  }

  private entry(name: string): ExportEntry {
    const e = this.exports.get(name);
    if (!e) throw new Error(`there is no NBD export named "${name}"`);
    return e;
  }

  private accept(socket: net.Socket): void {
    if (this.closing !== null) {
      socket.destroy();
      return;
    }
    const conn = new Connection(socket, this.maxBuffered, this.replyBuffers, {
      find: (name) => this.findExport(name)?.summary(),
      list: () => [...this.exports.values()].map((e) => e.summary()),
      attach: (name, c) => this.attach(name, c),
      detach: (c) => this.detach(c),
      warn: (w) => this.warn(w),
      deviceFailed: (entry, e, action) => this.deviceFailed(entry, e, action),
    });
    this.connections.add(conn);
  }

  /** The empty name is the default export: the only one, when there is exactly one. */
  private findExport(name: string): ExportEntry | undefined {
    if (name === '' && this.exports.size === 1) return this.exports.values().next().value;
    return this.exports.get(name);
  }

  private attach(name: string, conn: Connection): ExportEntry | null {
    const e = this.findExport(name);
    e?.connections.add(conn);
    return e ?? null;
  }

  private detach(conn: Connection): void {
    this.connections.delete(conn);
    for (const e of this.exports.values()) e.connections.delete(conn);
  }

  private warn(w: NbdWarning): void {
    const where = w.exportName === undefined ? '' : `export "${w.exportName}": `;
    this.emit('warning', `NBD: ${where}${w.message}`, w);
  }

  private deviceFailed(entry: ExportEntry, e: unknown, action: string): void {
    const path = isDiskError(e) ? e.file : ((entry.device as { path?: unknown }).path as string | undefined);
    const message = e instanceof Error ? e.message : String(e);
    this.warn({ message: `${action} failed: ${message}`, exportName: entry.name, ...(path ? { path } : {}) });
  }
}

/** What a connection needs from its server. */
interface ConnectionHost {
  find(name: string): ExportSummary | undefined;
  list(): ExportSummary[];
  attach(name: string, conn: Connection): ExportEntry | null;
  detach(conn: Connection): void;
  warn(w: NbdWarning): void;
  deviceFailed(entry: ExportEntry, e: unknown, action: string): void;
}

type Operation = (device: BlockDevice) => Promise<unknown>;

/**
 * One export: its device (swappable), the connections using it, and the bookkeeping that lets a swap wait
 * for the old device to go idle while new requests queue in arrival order.
 */
class ExportEntry {
  readonly connections = new Set<Connection>();
  readonly size: number;
  /** Requests accepted and not finished, waiting behind a swap or not. */
  private accepted = 0;
  /** Requests handed to a device and not finished. */
  private issued = 0;
  private idleWaiters: (() => void)[] = [];
  private issuedIdleWaiters: (() => void)[] = [];
  /** While a swap is under way: the requests waiting for it, in arrival order. */
  private held: (() => void)[] | null = null;
  private swapDone: Promise<void> | null = null;
  private readonly written = new WeakSet<BlockDevice>();

  constructor(
    readonly name: string,
    public device: BlockDevice,
    readonly readOnly: boolean,
    readonly description: string | undefined,
  ) {
    this.size = device.size;
  }

  summary(): ExportSummary {
    const s: ExportSummary = { name: this.name, size: this.size, transmissionFlags: transmissionFlagsFor(this.readOnly) };
    if (this.description) s.description = this.description;
    return s;
  }

  /** Runs `op` on the current device, in arrival order with every other request on this export. */
  run(op: Operation, writes: boolean): Promise<unknown> {
    this.accepted++;
    const work = this.held ? this.afterSwap(op, writes) : this.issue(op, writes);
    return work.finally(() => {
      if (--this.accepted === 0) wakeAll(this.idleWaiters);
    });
  }

  drained(): Promise<void> {
    return this.accepted === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  async swap(next: BlockDevice, flushFailed: (e: unknown) => void): Promise<BlockDevice> {
    const old = this.device;
    this.device = next;
    this.held ??= [];
    // A swap that finds another under way waits for it: the older devices' requests are all behind it.
    const before = this.swapDone ?? this.issuedIdle();
    const done: Promise<void> = before.then(() => this.flushIfWritten(old, flushFailed)).then(() => {
      if (this.swapDone === done) this.releaseHeld();
    });
    this.swapDone = done;
    await done;
    return old;
  }

  private afterSwap(op: Operation, writes: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => this.held!.push(() => void this.issue(op, writes).then(resolve, reject)));
  }

  /** Starts the held requests synchronously, in order, so none can overtake another. */
  private releaseHeld(): void {
    const waiting = this.held ?? [];
    this.held = null;
    this.swapDone = null;
    for (const start of waiting) start();
  }

  private issue(op: Operation, writes: boolean): Promise<unknown> {
    const device = this.device;
    if (writes) this.written.add(device);
    this.issued++;
    let work: Promise<unknown>;
    try {
      work = op(device);
    } catch (e) {
      work = Promise.reject(e);
    }
    return work.finally(() => {
      if (--this.issued === 0) wakeAll(this.issuedIdleWaiters);
    });
  }

  private issuedIdle(): Promise<void> {
    return this.issued === 0 ? Promise.resolve() : new Promise((r) => this.issuedIdleWaiters.push(r));
  }

  private async flushIfWritten(device: BlockDevice, failed: (e: unknown) => void): Promise<void> {
    if (!this.written.has(device) || device.readOnly) return;
    await device.flush().catch(failed);
  }
}

/**
 * Read-reply buffers kept for reuse once the socket has taken them, by exact size (clients ask for a few sizes
 * over and over): a fresh megabyte per request costs an allocation, page faults and garbage collection.
 * When full, the sizes returned least recently make room: a client's request sizes change over time.
 */
class ReplyBuffers {
  /** Map order is recency: a size moves to the end whenever a buffer of it comes back. */
  private readonly free = new Map<number, Buffer[]>();
  private idleBytes = 0;

  constructor(private readonly maxIdleBytes: number) {}

  take(size: number): Buffer {
    const b = this.free.get(size)?.pop();
    if (!b) return Buffer.allocUnsafe(size);
    this.idleBytes -= size;
    return b;
  }

  give(b: Buffer): void {
    if (b.length > this.maxIdleBytes) return;
    const list = this.free.get(b.length) ?? [];
    this.free.delete(b.length);
    this.free.set(b.length, list);
    this.makeRoom(b.length);
    list.push(b);
    this.idleBytes += b.length;
  }

  private makeRoom(bytes: number): void {
    for (const [size, list] of this.free) {
      while (list.length > 0 && this.idleBytes + bytes > this.maxIdleBytes) {
        list.pop();
        this.idleBytes -= size;
      }
      if (list.length === 0 && size !== bytes) this.free.delete(size);
      if (this.idleBytes + bytes <= this.maxIdleBytes) return;
    }
  }
}

function wakeAll(waiters: (() => void)[]): void {
  for (const w of waiters.splice(0)) w();
}

type Phase = 'client-flags' | 'options' | 'transmission' | 'ending';

/** One client: the negotiation, then its requests and replies. */
class Connection {
  private readonly queue = new ByteQueue();
  private phase: Phase = 'client-flags';
  private noZeroes = false;
  /** An option whose header is read and whose data is awaited. */
  private option: OptionHeader | null = null;
  /** A WRITE whose header is read and whose payload is awaited. */
  private write: Request | null = null;
  /** Bytes to drop unread (a refused payload or option), then what to do. */
  private skipping = 0;
  private afterSkip: (() => void) | null = null;
  private exp: ExportEntry | null = null;
  private inFlight = 0;
  /** Bytes held for requests in flight: read replies until the socket takes them, write data until written. */
  private buffered = 0;
  private paused = false;
  private corked = false;
  private ended: Promise<void> | null = null;
  private readonly settled: (() => void)[] = [];

  constructor(
    private readonly socket: net.Socket,
    private readonly maxBuffered: number,
    private readonly replyBuffers: ReplyBuffers,
    private readonly host: ConnectionHost,
  ) {
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('end', () => void this.end());
    socket.on('error', (e: NodeJS.ErrnoException) => this.socketFailed(e));
    socket.on('close', () => this.closed());
    socket.write(encodeGreeting());
  }

  /** Stops taking requests, lets those in flight finish and their replies go out, then hangs up. */
  end(): Promise<void> {
    this.ended ??= this.finishAndHangUp();
    return this.ended;
  }

  private async finishAndHangUp(): Promise<void> {
    this.phase = 'ending';
    this.socket.pause();
    if (this.inFlight > 0) await new Promise<void>((r) => this.settled.push(r));
    if (this.socket.destroyed) return;
    // A client that stopped reading would hold its last replies (and a closing server) forever.
    await new Promise<void>((r) => {
      const giveUp = setTimeout(r, HANG_UP_GRACE_MS).unref();
      this.socket.end(() => {
        clearTimeout(giveUp);
        r();
      });
    });
    this.socket.destroy();
  }

  private hangUp(reason: string | null): void {
    if (reason) this.host.warn({ message: `closing the connection: ${reason}`, ...this.exportTag() });
    void this.end();
  }

  private socketFailed(e: NodeJS.ErrnoException): void {
    // A client that goes away mid-request (QEMU killed) is not news; anything else is.
    if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') this.host.warn({ message: `connection error: ${e.message}`, ...this.exportTag() });
  }

  private closed(): void {
    this.phase = 'ending';
    this.host.detach(this);
  }

  private exportTag(): { exportName?: string } {
    return this.exp ? { exportName: this.exp.name } : {};
  }

  private received(chunk: Buffer): void {
    this.queue.push(chunk);
    this.pump();
  }

  /** Parses and acts on everything queued, as far as it goes. */
  private pump(): void {
    try {
      while (this.step());
    } catch (e) {
      // Runs in a socket event: an exception here would take the whole process down with it.
      this.hangUp(e instanceof NbdProtocolError ? e.message : `internal error: ${(e as Error)?.stack ?? String(e)}`);
    }
  }

  /** One parsing step; false when it needs more bytes (or must not go on). */
  private step(): boolean {
    if (this.skipping > 0) return this.skip();
    switch (this.phase) {
      case 'client-flags':
        return this.readClientFlags();
      case 'options':
        return this.option ? this.readOptionData(this.option) : this.readOptionHeader();
      case 'transmission':
        return this.write ? this.readWritePayload(this.write) : this.readRequest();
      case 'ending':
        return false;
    }
  }

  private skip(): boolean {
    this.skipping -= this.queue.skip(this.skipping);
    if (this.skipping > 0) return false;
    const then = this.afterSkip;
    this.afterSkip = null;
    then?.();
    return true;
  }

  private skipThen(bytes: number, then: () => void): void {
    this.skipping = bytes;
    this.afterSkip = then;
  }

  private readClientFlags(): boolean {
    if (this.queue.length < CLIENT_FLAGS_SIZE) return false;
    this.noZeroes = decodeClientFlags(this.queue.take(CLIENT_FLAGS_SIZE)).noZeroes;
    this.phase = 'options';
    return true;
  }

  private readOptionHeader(): boolean {
    if (this.queue.length < OPTION_HEADER_SIZE) return false;
    const header = decodeOptionHeader(this.queue.take(OPTION_HEADER_SIZE));
    if (header.length > MAX_OPTION_DATA) this.skipThen(header.length, () => this.act(answerOversizedOption(header.option, header.length)));
    else this.option = header;
    return true;
  }

  private readOptionData(header: OptionHeader): boolean {
    if (this.queue.length < header.length) return false;
    this.option = null;
    const data = this.queue.take(header.length);
    this.act(answerOption(header.option, data, { noZeroes: this.noZeroes, find: this.host.find, list: this.host.list }));
    return true;
  }

  private act(answer: OptionAnswer): void {
    for (const b of answer.send) this.socket.write(b);
    if (answer.action === 'close') return this.hangUp(answer.reason);
    if (answer.action !== 'transmit') return;
    this.exp = this.host.attach(answer.exportName, this);
    if (!this.exp) return this.hangUp(`export "${answer.exportName}" went away during negotiation`);
    this.phase = 'transmission';
  }

  private readRequest(): boolean {
    if (this.buffered >= this.maxBuffered) {
      // Backpressure: leave further requests in the socket until the client takes its replies.
      this.paused = true;
      this.socket.pause();
      return false;
    }
    if (this.queue.length < REQUEST_HEADER_SIZE) return false;
    const r = decodeRequest(this.queue.take(REQUEST_HEADER_SIZE));
    const exp = this.exp!;
    const problem = requestProblem(r, exp);
    if (problem) {
      this.host.warn({ message: `refused request: ${problem.reason}`, exportName: exp.name });
      const refuse = () => this.send(encodeSimpleReply(problem.error, r.handle), 0);
      if (r.type === Command.WRITE) this.skipThen(r.length, refuse);
      else refuse();
      return true;
    }
    if (r.type === Command.WRITE) this.write = r;
    else this.serve(r, exp);
    return true;
  }

  private readWritePayload(r: Request): boolean {
    if (this.queue.length < r.length) return false;
    this.write = null;
    const data = this.queue.take(r.length);
    const fua = (r.flags & CommandFlag.FUA) !== 0;
    this.complete(r, this.exp!, (d) => (fua ? writeDurably(d, data, r.offset) : d.write(data, r.offset)), true, data.length);
    return true;
  }

  private serve(r: Request, exp: ExportEntry): void {
    const fua = (r.flags & CommandFlag.FUA) !== 0;
    switch (r.type) {
      case Command.READ:
        return this.serveRead(r, exp);
      case Command.FLUSH:
        return this.complete(r, exp, (d) => d.flush(), false, 0);
      case Command.WRITE_ZEROES:
        return this.complete(r, exp, (d) => writeZeros(d, r.offset, r.length, fua), true, 0);
      case Command.TRIM:
        // The library cannot discard: TRIM is a hint the spec lets a server ignore (contents stay as they were).
        return this.send(encodeSimpleReply(0, r.handle), 0);
      case Command.DISC:
        void this.end();
        return;
    }
  }

  /** The reply buffer holds the header and the data, read straight into place: one buffer, one socket write. */
  private serveRead(r: Request, exp: ExportEntry): void {
    const reply = this.replyBuffers.take(SIMPLE_REPLY_SIZE + r.length);
    this.buffered += reply.length;
    this.inFlight++;
    exp.run((d) => d.read(reply.subarray(SIMPLE_REPLY_SIZE), r.offset), false).then(
      () => this.finished(writeSimpleReply(reply, 0, r.handle), reply.length, reply),
      (e: unknown) => {
        this.replyBuffers.give(reply);
        this.finished(this.errorReply(r, exp, e), reply.length);
      },
    );
  }

  private complete(r: Request, exp: ExportEntry, op: Operation, writes: boolean, held: number): void {
    this.buffered += held;
    this.inFlight++;
    exp.run(op, writes).then(
      () => this.finished(encodeSimpleReply(0, r.handle), held),
      (e: unknown) => this.finished(this.errorReply(r, exp, e), held),
    );
  }

  private finished(reply: Buffer, held: number, reusable?: Buffer): void {
    this.send(reply, held, reusable);
    if (--this.inFlight === 0) wakeAll(this.settled);
  }

  private errorReply(r: Request, exp: ExportEntry, e: unknown): Buffer {
    const errno = errnoFor(e);
    if (errno !== NbdErrno.EINVAL && errno !== NbdErrno.EPERM) this.host.deviceFailed(exp, e, commandName(r.type));
    else this.host.warn({ message: `request refused by the device: ${(e as Error).message}`, exportName: exp.name });
    return encodeSimpleReply(errno, r.handle);
  }

  /**
   * Queues a reply; `held` bytes count against the budget until the socket has taken them, and `reusable`
   * goes back to the pool then. While other requests are in flight, replies that finish in the same turn of
   * the event loop leave in one writev; a lone reply (queue depth 1) goes out at once.
   */
  private send(reply: Buffer, held: number, reusable?: Buffer): void {
    if (this.socket.destroyed) return this.release(held);
    if (!this.corked && this.inFlight > 1) {
      this.corked = true;
      this.socket.cork();
      setImmediate(this.uncork);
    }
    this.socket.write(reply, (e) => {
      // After an error the socket may not be done with the bytes: such a buffer is not reused.
      if (reusable && !e) this.replyBuffers.give(reusable);
      this.release(held);
    });
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  private release(bytes: number): void {
    this.buffered -= bytes;
    if (this.paused && this.buffered < this.maxBuffered && this.phase === 'transmission') {
      this.paused = false;
      this.socket.resume();
      this.pump();
    }
  }
}

async function writeDurably(device: BlockDevice, data: Uint8Array, offset: number): Promise<void> {
  await device.write(data, offset);
  await device.flush();
}

/** Every piece is handed to the device at once (in order), so requests after this one stay behind it. */
async function writeZeros(device: BlockDevice, offset: number, length: number, fua: boolean): Promise<void> {
  sharedZeros ??= new Uint8Array(ZERO_CHUNK);
  const pieces: Promise<void>[] = [];
  for (let done = 0; done < length; done += ZERO_CHUNK)
    pieces.push(device.write(sharedZeros.subarray(0, Math.min(ZERO_CHUNK, length - done)), offset + done));
  await Promise.all(pieces);
  if (fua) await device.flush();
}

function errnoFor(e: unknown): number {
  if (!isDiskError(e)) return NbdErrno.EIO;
  switch (e.code) {
    case 'OUT_OF_RANGE':
    case 'INVALID_ARGUMENT':
      return NbdErrno.EINVAL;
    case 'READ_ONLY':
      return NbdErrno.EPERM;
    case 'IO': {
      const code = (e.cause as NodeJS.ErrnoException | undefined)?.code;
      return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' ? NbdErrno.ENOSPC : NbdErrno.EIO;
    }
    default:
      return NbdErrno.EIO;
  }
}

function commandName(type: number): string {
  return Object.entries(Command).find(([, v]) => v === type)?.[0] ?? `command ${type}`;
}

/** A socket file left by a server that died is removed; a live server's, or any other file, is not touched. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  const st = await fs.lstat(socketPath).catch(() => null);
  if (!st) return;
  if (!st.isSocket()) throw new Error(`cannot listen on ${socketPath}: a file that is not a socket is in the way`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`cannot listen on ${socketPath}: another server is listening there`);
  await fs.unlink(socketPath);
}
