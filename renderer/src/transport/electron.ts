import type { ConsoleFromVm, ConsoleToVm } from '../../../main/api/console.js';
import { CONSOLE_PORT_MESSAGE, type KasoBridge } from '../../../main/api/bridge.js';
import type { RequestInput, RequestName, RequestResults } from '../../../main/api/requests.js';
import { Listeners, Outbox, toClientError, type ConsoleChannel, type EventListener, type HostEvent, type KasoClient } from './client.js';

/** The Electron transport: `window.kaso` from the preload, and a MessagePort per console straight to the VM. */
export class ElectronClient implements KasoClient {
  readonly transport = 'electron' as const;

  constructor(private readonly bridge: KasoBridge) {}

  async request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestResults[N]> {
    try {
      return await this.bridge.request(name, input);
    } catch (e) {
      throw toClientError(e);
    }
  }

  onEvent(listener: EventListener): () => void {
    return this.bridge.onEvent((name, payload) => listener({ name, payload } as HostEvent));
  }

  onConnection(): () => void {
    return () => undefined;
  }

  openConsole(id: string): ConsoleChannel {
    const listeners = new Listeners<[ConsoleFromVm]>();
    let port: MessagePort | null = null;
    let closed = false;
    const outbox = new Outbox<ConsoleToVm>((msg) => port?.postMessage(msg));
    const onWindowMessage = (e: MessageEvent) => {
      const data = e.data as { type?: string; id?: string } | null;
      if (data?.type !== CONSOLE_PORT_MESSAGE || data.id !== id || !e.ports[0]) return;
      window.removeEventListener('message', onWindowMessage);
      if (closed) {
        e.ports[0].close();
        return;
      }
      port = e.ports[0];
      port.onmessage = (m: MessageEvent<ConsoleFromVm>) => listeners.emit(m.data);
      port.start();
      outbox.open();
    };
    window.addEventListener('message', onWindowMessage);
    this.bridge.openConsole(id);
    return {
      send: (msg) => outbox.push(msg),
      onMessage: (l) => listeners.add(l),
      close: () => {
        closed = true;
        window.removeEventListener('message', onWindowMessage);
        port?.close();
        port = null;
      },
    };
  }

  async thumbnailUrl(id: string, version: number): Promise<string | null> {
    if (version <= 0) return null;
    const { png } = await this.request('vm.thumbnail', { id });
    return png ? `data:image/png;base64,${png}` : null;
  }
}
