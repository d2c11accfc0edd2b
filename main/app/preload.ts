/**
 * The preload of every Kaso window: the one bridge between the sandboxed page and the app. It exposes
 * `window.kaso` (main/api/bridge.ts) and nothing else: no Node, no raw ipcRenderer. Bundled to CommonJS,
 * as sandboxed preloads must be.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

/** The page's window (this file is compiled without the DOM library: this is all it uses). */
declare const window: { postMessage(message: unknown, targetOrigin: string, transfer?: unknown[]): void };

type Reply = { ok: unknown } | { error: { code: string; message: string; field?: string } };

const bridge = {
  transport: 'electron' as const,
  async request(name: string, input: unknown): Promise<unknown> {
    if (typeof name !== 'string' || name.length > 64) throw { code: 'INVALID_INPUT', message: 'request name must be a short string' };
    const reply = (await ipcRenderer.invoke('kaso:request', name, input)) as Reply;
    if ('error' in reply) throw reply.error;
    return reply.ok;
  },
  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on('kaso:event', handler);
    return () => ipcRenderer.off('kaso:event', handler);
  },
  openConsole(id: string): void {
    ipcRenderer.send('kaso:open-console', String(id));
  },
};

// Ports cannot cross the context bridge: hand them to the page the way VS Code does, as a window message.
ipcRenderer.on('kaso:console-port', (e: IpcRendererEvent, data: { id: string }) => {
  window.postMessage({ type: 'kaso-console-port', id: data.id }, '*', e.ports);
});

contextBridge.exposeInMainWorld('kaso', bridge);
