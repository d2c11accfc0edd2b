import type { ApiErrorShape, EventName, HostEvents, RequestInput, RequestName, RequestResults } from './requests.js';

/**
 * `window.kaso`: the one API the Electron preload exposes to the sandboxed renderer. The web build talks
 * HTTP and WebSockets instead and wraps them in the same shape (renderer/src/transport).
 */
export interface KasoBridge {
  readonly transport: 'electron';
  /** Rejects with an ApiErrorShape ({ code, message, field? }). */
  request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestResults[N]>;
  /** Host events; returns the function that stops listening. */
  onEvent(listener: <E extends EventName>(name: E, payload: HostEvents[E]) => void): () => void;
  /**
   * Asks for a console of VM `id`. Its MessagePort arrives as a window 'message' event whose data is
   * { type: 'kaso-console-port', id } with the port in `ports[0]`; the port carries ConsoleFromVm /
   * ConsoleToVm messages straight to and from the VM's process.
   */
  openConsole(id: string): void;
}

export const CONSOLE_PORT_MESSAGE = 'kaso-console-port';

export type BridgeError = ApiErrorShape;
