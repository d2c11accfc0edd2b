import { EventEmitter } from 'node:events';
import net, { type Socket } from 'node:net';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

interface QmpEvents {
  event: [QmpEvent];
  /** The connection ended (QEMU quit or died). */
  close: [];
}

const CONNECT_ATTEMPTS = 100;
const CONNECT_PAUSE_MS = 30;

/**
 * QEMU's machine protocol on a unix socket: one JSON object a line. Commands are answered in order, but
 * events arrive in between, so each command carries an id and its reply is matched by it.
 */
export class QmpClient extends EventEmitter<QmpEvents> {
  private buffered = '';
  private nextId = 1;
  private readonly waiting = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void; command: string }>();
  private closed = false;
  /** Until QEMU's greeting line arrives: what to call then. */
  private greeted: (() => void) | null = null;

  private constructor(private readonly socket: Socket) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.take(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.onClose());
  }

  /** Connects once QEMU has made the socket (it may still be starting), then leaves negotiation mode. */
  static async connect(path: string, isAlive: () => boolean = () => true): Promise<QmpClient> {
    const socket = await dial(path, isAlive);
    const client = new QmpClient(socket);
    await client.greeting();
    await client.execute('qmp_capabilities');
    return client;
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`QEMU is gone (${command})`));
    const id = `k${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, command });
      this.socket.write(JSON.stringify({ execute: command, arguments: args, id }) + '\n');
    });
  }

  /** Resolves with the next event of this name (and data matching `accept`, when given). */
  waitFor(event: string, accept: (e: QmpEvent) => boolean = () => true): Promise<QmpEvent> {
    return new Promise((resolve, reject) => {
      const onEvent = (e: QmpEvent) => {
        if (e.event !== event || !accept(e)) return;
        this.off('event', onEvent);
        this.off('close', onClose);
        resolve(e);
      };
      const onClose = () => {
        this.off('event', onEvent);
        reject(new Error(`QEMU ended while waiting for ${event}`));
      };
      this.on('event', onEvent);
      this.once('close', onClose);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private greeting(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.greeted = resolve;
      this.socket.once('close', () => reject(new Error('QEMU closed its control socket before greeting')));
    });
  }

  private take(chunk: string): void {
    this.buffered += chunk;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl).trim();
      this.buffered = this.buffered.slice(nl + 1);
      if (line) this.dispatch(JSON.parse(line) as Record<string, unknown>);
    }
  }

  private dispatch(msg: Record<string, unknown>): void {
    if ('QMP' in msg) {
      this.greeted?.();
      this.greeted = null;
      return;
    }
    if ('event' in msg) {
      this.emit('event', msg as unknown as QmpEvent);
      return;
    }
    const pending = typeof msg.id === 'string' ? this.waiting.get(msg.id) : undefined;
    if (!pending) return;
    this.waiting.delete(msg.id as string);
    if ('error' in msg) {
      const err = msg.error as { class?: string; desc?: string };
      pending.reject(new Error(`${pending.command}: ${err.desc ?? err.class ?? 'failed'}`));
    } else pending.resolve(msg.return);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.values()) w.reject(new Error(`QEMU ended before answering ${w.command}`));
    this.waiting.clear();
    this.emit('close');
  }
}

/** Dials a socket a starting process has yet to create, giving up when the process died. */
export async function dial(path: string, isAlive: () => boolean = () => true, attempts = CONNECT_ATTEMPTS): Promise<Socket> {
  for (let i = 0; ; i++) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = net.createConnection(path);
        s.once('connect', () => {
          s.off('error', reject);
          resolve(s);
        });
        s.once('error', reject);
      });
    } catch (e) {
      if (i >= attempts || !isAlive()) throw new Error(`could not connect to ${path}: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, CONNECT_PAUSE_MS));
    }
  }
}
