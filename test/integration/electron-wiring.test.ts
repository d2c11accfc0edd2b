import { existsSync, readFileSync } from 'node:fs';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronStandIn } from '../helpers/electron-standin.js';
import { built } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * The Electron shell's wiring, checked with a stand-in electron module (no Electron binary exists here):
 * sandboxed windows with context isolation and only the preload's bridge, a strict CSP on every page, no
 * navigation, a narrow permission policy, and IPC that only Kaso's own page may use, with validated input.
 */
const home = tempDir('app');
let standIn: ReturnType<typeof electronStandIn>;
let app: Awaited<ReturnType<typeof import('../../main/app/run-app.js').runApp>>;

beforeAll(async () => {
  process.env.KASO_HOME = home;
  const { runApp } = (await import(built('main/app/run-app.js'))) as typeof import('../../main/app/run-app.js');
  standIn = electronStandIn();
  app = await runApp(standIn.electron as never);
});

afterAll(async () => {
  app?.service.killAll();
  await app?.web.close();
  delete process.env.KASO_HOME;
});

describe('the Electron shell (with a stand-in electron module)', () => {
  it('sandboxes every renderer and gives it only the preload bridge', () => {
    expect(standIn.calls).toContain('enableSandbox');
    const prefs = standIn.windows[0]!.options.webPreferences;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect(existsSync(prefs.preload as string)).toBe(true);
    expect(standIn.windows[0]!.webContents.loaded).toBe('kaso://app/index.html');
  });

  it('serves the console from kaso:// with the strict CSP, and nothing outside the renderer folder', async () => {
    const handler = standIn.protocolHandlers.get('kaso')!;
    const page = await handler({ url: 'kaso://app/index.html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'/);
    expect((await handler({ url: 'kaso://app/..%2F..%2Fpackage.json' })).status).toBe(404);
  });

  it('blocks navigation and new windows; https links open in the system browser', () => {
    const contents = standIn.windows[0]!.webContents;
    let prevented = false;
    contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://example.com');
    expect(prevented).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://kaso.example/help' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(standIn.opened).toEqual(['https://kaso.example/help']);
  });

  it('grants only pointer lock, full screen and clipboard writes', async () => {
    expect(await standIn.permission('pointerLock')).toBe(true);
    expect(await standIn.permission('fullscreen')).toBe(true);
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'hid']) expect(await standIn.permission(p)).toBe(false);
  });

  it('answers requests only from its own page, validating their input', async () => {
    const request = standIn.ipcHandlers.get('kaso:request')!;
    expect(await request(standIn.event('https://evil.example/'), 'vm.list', {})).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(await request(standIn.event('kaso://app/index.html'), 'vm.list', {})).toEqual({ ok: [] });
    expect(await request(standIn.event('kaso://app/index.html'), 'vm.create', { settings: { name: 'x', memoryMiB: 'lots' } })).toMatchObject({
      error: { code: 'INVALID_INPUT', field: 'settings.memoryMiB' },
    });
    expect(await request(standIn.event('kaso://app/index.html'), 'vm.frobnicate', {})).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });

  it('tells every window about changes, and lets the CLI in through the loopback web host', async () => {
    const request = standIn.ipcHandlers.get('kaso:request')!;
    const created = (await request(standIn.event('kaso://app/index.html'), 'vm.create', { settings: { name: 'From the app', memoryMiB: 32 } })) as { ok: { id: string } };
    expect(standIn.windows[0]!.webContents.sent.some(([ch, name]) => ch === 'kaso:event' && name === 'vm.changed')).toBe(true);
    const hostFile = JSON.parse(readFileSync(`${home}/host.json`, 'utf8')) as { url: string; token: string };
    expect(hostFile.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${hostFile.url}/api/vm.get`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hostFile.token}` },
      body: JSON.stringify({ id: created.ok.id }),
    });
    expect(((await res.json()) as { result: { name: string } }).result.name).toBe('From the app');
  });
});

describe('the preload (the bundle the window runs)', () => {
  it('exposes window.kaso with exactly its four members, and turns host errors into rejections', async () => {
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const ipcRenderer = {
      invoke: async (...args: unknown[]) => {
        invoked.push(args);
        return args[1] === 'vm.list' ? { ok: [] } : { error: { code: 'INVALID_INPUT', message: 'bad', field: 'x' } };
      },
      on: () => undefined,
      off: () => undefined,
      send: (...args: unknown[]) => invoked.push(args),
    };
    const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) }, ipcRenderer };
    const code = readFileSync(built('main/app/preload.cjs'), 'utf8');
    vm.runInNewContext(code, { require: (m: string) => (m === 'electron' ? electron : undefined), window: { postMessage: () => undefined } });
    const kaso = exposed.kaso as Record<string, (...a: unknown[]) => Promise<unknown>>;
    expect(Object.keys(kaso).sort()).toEqual(['onEvent', 'openConsole', 'request', 'transport']);
    await expect(kaso.request!('vm.list', {})).resolves.toEqual([]);
    await expect(kaso.request!('vm.get', {})).rejects.toEqual({ code: 'INVALID_INPUT', message: 'bad', field: 'x' });
    kaso.openConsole!('abc');
    expect(invoked).toContainEqual(['kaso:open-console', 'abc']);
  });
});
