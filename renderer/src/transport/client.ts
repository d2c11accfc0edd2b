import type { ConsoleFromVm, ConsoleToVm } from '../../../main/api/console.js';
import type { ApiErrorShape, EventName, HostEvents, RequestInput, RequestName, RequestResults } from '../../../main/api/requests.js';

/** A host event as one tagged value, so a listener can switch on `name`. */
export type HostEvent = { [E in EventName]: { name: E; payload: HostEvents[E] } }[EventName];
export type EventListener = (event: HostEvent) => void;

/** One VM's console stream: screen, serial and state from the VM; keys, mouse and serial to it. */
export interface ConsoleChannel {
  send(msg: ConsoleToVm): void;
  /** Returns the function that stops listening. */
  onMessage(listener: (msg: ConsoleFromVm) => void): () => void;
  close(): void;
}

/**
 * The renderer's one way to the host: the Electron preload bridge or the web host's HTTP + WebSockets.
 * Every failure is an ApiErrorShape ({ code, message, field? }) whatever the transport.
 */
export interface KasoClient {
  readonly transport: 'electron' | 'web';
  request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestResults[N]>;
  /** Host events; returns the function that stops listening. */
  onEvent(listener: EventListener): () => void;
  /**
   * Called with false when the event stream is lost and true when it is back (events may have been missed:
   * reload what is shown). The Electron bridge never loses it.
   */
  onConnection(listener: (connected: boolean) => void): () => void;
  openConsole(id: string): ConsoleChannel;
  /** An image address for a VM's thumbnail (version: VmSummary.thumbnailVersion), or null if there is none. */
  thumbnailUrl(id: string, version: number): Promise<string | null>;
}

export type ClientError = ApiErrorShape;

/** Anything thrown, as the one error shape (a dropped connection, a bug) so the UI shows words, not objects. */
export function toClientError(e: unknown): ClientError {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e && typeof (e as ClientError).message === 'string') {
    const { code, message, field } = e as ClientError;
    return field ? { code, message, field } : { code, message };
  }
  return { code: 'FAILED', message: e instanceof Error ? e.message : String(e) };
}

/** A channel whose messages may be sent before it opens: they wait, in order. */
export class Outbox<T> {
  private queue: T[] | null = [];
  constructor(private deliver: (msg: T) => void) {}

  push(msg: T): void {
    if (this.queue) this.queue.push(msg);
    else this.deliver(msg);
  }

  open(): void {
    const q = this.queue ?? [];
    this.queue = null;
    for (const m of q) this.deliver(m);
  }
}

/** A tiny listener set. */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();
  add(l: (...args: A) => void): () => void {
    this.set.add(l);
    return () => this.set.delete(l);
  }
  emit(...args: A): void {
    for (const l of [...this.set]) l(...args);
  }
  get size(): number {
    return this.set.size;
  }
}
