import { EventEmitter } from 'node:events';

/**
 * A stand-in for the `electron` module, enough for main/app/run-app.ts to run under plain Node: it records
 * what the app asks of Electron (windows and their preferences, IPC handlers, protocol handlers, permission
 * policy) so the tests can check the wiring where no Electron binary exists.
 */
export function electronStandIn() {
  const calls: string[] = [];
  const ipcHandlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcListeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const protocolHandlers = new Map<string, (request: { url: string }) => Promise<Response>>();
  let permissionHandler: ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void) | null = null;
  const opened: string[] = [];

  class WebContents extends EventEmitter {
    sent: unknown[][] = [];
    posted: { channel: string; message: unknown; ports: unknown[] }[] = [];
    windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
    loaded: string | null = null;
    setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
      this.windowOpenHandler = h;
    }
    send(...args: unknown[]) {
      this.sent.push(args);
    }
    postMessage(channel: string, message: unknown, ports: unknown[]) {
      this.posted.push({ channel, message, ports });
    }
  }

  const windows: BrowserWindow[] = [];
  class BrowserWindow {
    readonly webContents = new WebContents();
    constructor(readonly options: { webPreferences: Record<string, unknown>; title: string }) {
      windows.push(this);
    }
    static getAllWindows() {
      return windows;
    }
    async loadURL(url: string) {
      this.webContents.loaded = url;
    }
    focus() {}
  }

  const app = Object.assign(new EventEmitter(), {
    enableSandbox: () => calls.push('enableSandbox'),
    requestSingleInstanceLock: () => true,
    whenReady: async () => undefined,
    quit: () => calls.push('quit'),
    exit: () => calls.push('exit'),
  });

  class MessageChannelMain {
    port1 = { name: 'port1' };
    port2 = { name: 'port2' };
  }

  const electron = {
    app,
    BrowserWindow,
    MessageChannelMain,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => calls.push(`registerSchemes ${JSON.stringify(schemes)}`),
      handle: (scheme: string, h: (request: { url: string }) => Promise<Response>) => protocolHandlers.set(scheme, h),
    },
    ipcMain: {
      handle: (channel: string, h: (event: unknown, ...args: unknown[]) => unknown) => ipcHandlers.set(channel, h),
      on: (channel: string, h: (event: unknown, ...args: unknown[]) => void) => ipcListeners.set(channel, h),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof permissionHandler) => (permissionHandler = h),
      },
    },
    shell: { openExternal: async (url: string) => void opened.push(url) },
    dialog: { showErrorBox: () => undefined },
  };

  return {
    electron,
    calls,
    windows,
    ipcHandlers,
    ipcListeners,
    protocolHandlers,
    opened,
    permission: (name: string) => new Promise<boolean>((resolve) => permissionHandler!(null, name, resolve)),
    /** An IPC event as Electron would deliver it from a frame at `url`. */
    event: (url: string, sender = windows[0]!.webContents) => ({ senderFrame: { url }, sender }),
  };
}
