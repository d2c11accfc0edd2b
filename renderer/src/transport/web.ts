import type { ConsoleFromVm, ConsoleToVm } from '../../../main/api/console.js';
import type { RequestInput, RequestName, RequestResults } from '../../../main/api/requests.js';
import { decodeConsoleMessage, encodeConsoleMessage } from '../../../main/console/codec.js';
import { t } from '../i18n/index.js';
import { Listeners, Outbox, type ClientError, type ConsoleChannel, type EventListener, type HostEvent, type KasoClient } from './client.js';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 8000;

function socketUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

/** The web transport (`kaso serve`): POST /api/<request>, events and consoles on WebSockets, same origin. */
export class WebClient implements KasoClient {
  readonly transport = 'web' as const;
  private readonly events = new Listeners<[HostEvent]>();
  private readonly connection = new Listeners<[boolean]>();
  private socket: WebSocket | null = null;
  private connected = false;
  private retryMs = RECONNECT_MIN_MS;

  async request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestResults[N]> {
    let res: Response;
    try {
      res = await fetch(`/api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
        credentials: 'same-origin',
      });
    } catch {
      throw { code: 'FAILED', message: t('error.unreachable') } satisfies ClientError;
    }
    let body: { result?: RequestResults[N]; error?: ClientError };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw { code: 'FAILED', message: t('error.badReply', { status: res.status }) } satisfies ClientError;
    }
    if (body.error) throw body.error;
    return body.result as RequestResults[N];
  }

  onEvent(listener: EventListener): () => void {
    const off = this.events.add(listener);
    this.connectEvents();
    return off;
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    return this.connection.add(listener);
  }

  private connectEvents(): void {
    if (this.socket) return;
    const ws = new WebSocket(socketUrl('/ws/events'));
    this.socket = ws;
    ws.onopen = () => {
      this.retryMs = RECONNECT_MIN_MS;
      if (!this.connected) {
        this.connected = true;
        this.connection.emit(true);
      }
    };
    ws.onmessage = (e: MessageEvent<string>) => {
      try {
        const { event, payload } = JSON.parse(e.data) as { event: HostEvent['name']; payload: HostEvent['payload'] };
        this.events.emit({ name: event, payload } as HostEvent);
      } catch {
        // not an event we understand: ignore it
      }
    };
    ws.onclose = () => {
      this.socket = null;
      if (this.connected) {
        this.connected = false;
        this.connection.emit(false);
      }
      if (this.events.size === 0) return;
      setTimeout(() => this.connectEvents(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
    };
  }

  openConsole(id: string): ConsoleChannel {
    const listeners = new Listeners<[ConsoleFromVm]>();
    const ws = new WebSocket(socketUrl(`/ws/console/${encodeURIComponent(id)}`));
    ws.binaryType = 'arraybuffer';
    const outbox = new Outbox<ConsoleToVm>((msg) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(encodeConsoleMessage(msg));
    });
    ws.onopen = () => outbox.open();
    ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      if (typeof e.data === 'string') return;
      try {
        listeners.emit(decodeConsoleMessage<ConsoleFromVm>(new Uint8Array(e.data)));
      } catch {
        // a damaged frame: the next refresh repairs the picture
      }
    };
    return {
      send: (msg) => outbox.push(msg),
      onMessage: (l) => listeners.add(l),
      close: () => ws.close(),
    };
  }

  async thumbnailUrl(id: string, version: number): Promise<string | null> {
    return version > 0 ? `/api/thumbnail/${encodeURIComponent(id)}?v=${version}` : null;
  }
}
