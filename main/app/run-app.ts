import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Electron from 'electron';
import { ApiError } from '../api/requests.js';
import { removeHostFile, writeHostFile } from '../host/host-file.js';
import { HostService } from '../host/host-service.js';
import { kasoHome } from '../host/paths.js';
import { CONTENT_SECURITY_POLICY } from '../web/content-security.js';
import { startWebHost, type WebHost } from '../web/web-host.js';

type ElectronModule = typeof Electron;

const RENDERER_DIR = fileURLToPath(new URL('../../renderer/', import.meta.url));
export const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));
export const APP_ORIGIN = 'kaso://app';
const ALLOWED_PERMISSIONS = new Set(['pointerLock', 'fullscreen', 'clipboard-sanitized-write']);

/**
 * The Electron app: the host service in the main process, windows that load the console from the kaso://
 * scheme under a strict CSP, sandboxed with context isolation and only `window.kaso` as their API, and the
 * same web API on loopback so the `kaso` CLI can drive the app. The electron module is passed in, so this
 * wiring can be tested without an Electron binary.
 */
export async function runApp(electron: ElectronModule): Promise<{ service: HostService; web: WebHost }> {
  const { app, protocol, ipcMain, BrowserWindow, MessageChannelMain, session, shell } = electron;
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([{ scheme: 'kaso', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    throw new Error('Kaso is already running');
  }
  await app.whenReady();
  protocol.handle('kaso', (request) => serveRenderer(request.url));
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));

  const service = await HostService.create(kasoHome());
  const web = await startWebHost(service, { host: '127.0.0.1', port: 0 });
  await writeHostFile({ url: web.url, token: web.token, pid: process.pid, started: new Date().toISOString() });

  ipcMain.handle('kaso:request', async (event, name: unknown, input: unknown) => {
    if (!fromOurPage(event)) return { error: { code: 'UNAUTHORIZED', message: 'request from a page that is not Kaso' } };
    try {
      return { ok: await service.handle(String(name), input) };
    } catch (e) {
      return { error: e instanceof ApiError ? e.toJSON() : { code: 'FAILED', message: (e as Error).message } };
    }
  });
  ipcMain.on('kaso:open-console', (event, id: unknown) => {
    if (!fromOurPage(event) || typeof id !== 'string') return;
    try {
      const { port1, port2 } = new MessageChannelMain();
      service.attachPort(id, port1);
      event.sender.postMessage('kaso:console-port', { id }, [port2]);
    } catch {
      // the VM is not running: the console shows its state instead of a screen
    }
  });
  service.on('event', (name, payload) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send('kaso:event', name, payload);
  });

  const createWindow = () => {
    const win = new BrowserWindow({
      title: 'Kaso Console',
      width: 1200,
      height: 800,
      minWidth: 720,
      minHeight: 480,
      backgroundColor: '#1b1f24',
      webPreferences: { preload: PRELOAD, sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
    });
    lockDown(win.webContents, shell);
    void win.loadURL(`${APP_ORIGIN}/index.html`);
    return win;
  };
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());

  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting) return;
    e.preventDefault();
    quitting = true;
    // As Virtual PC offers on close, but without asking: running VMs keep their state, nothing is lost.
    void service
      .saveAll()
      .then(() => web.close())
      .then(() => removeHostFile())
      .finally(() => app.quit());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  service.on('stop-requested', () => app.quit());
  return { service, web };
}

/** Only our own page may talk to the host (not an iframe, not a page navigated elsewhere). */
function fromOurPage(event: Electron.IpcMainEvent | Electron.IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return url.startsWith(`${APP_ORIGIN}/`);
}

/** No navigation away, no new windows; web links open in the system browser. */
function lockDown(contents: Electron.WebContents, shell: ElectronModule['shell']): void {
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
}

/** kaso://app/<file> from dist/renderer, with the console's CSP on every response. */
async function serveRenderer(url: string): Promise<Response> {
  const { pathname } = new URL(url);
  const file = path.resolve(RENDERER_DIR, decodeURIComponent(pathname).replace(/^\/+/, '') || 'index.html');
  if (!file.startsWith(RENDERER_DIR)) return new Response('not found', { status: 404 });
  try {
    const body = await fs.readFile(file);
    const type = file.endsWith('.html') ? 'text/html' : file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream';
    return new Response(body, { headers: { 'content-type': type, 'content-security-policy': CONTENT_SECURITY_POLICY } });
  } catch {
    return new Response('The Kaso console is not built: run "npm run build".', { status: 404 });
  }
}
