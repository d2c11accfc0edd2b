import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { kasoBin } from './processes.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function missingChromium(): string | null {
  return existsSync(CHROMIUM) ? null : `Chromium not found at ${CHROMIUM} (Debian package chromium, or set CHROMIUM_PATH)`;
}

/** A `kaso serve` of its own (own KASO_HOME) and the address it printed. */
export interface ServedHost {
  url: string;
  loginUrl: string;
  token: string;
  home: string;
  process: ChildProcess;
  /** Calls the host's API as the CLI does. */
  call<T>(name: string, input: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function serveHost(home: string): Promise<ServedHost> {
  const child = spawn(process.execPath, [kasoBin, 'serve', '--port', '0'], { env: { ...process.env, KASO_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const loginUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kaso serve printed no address:\n${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/\S+\?token=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`kaso serve exited (${code}):\n${out}`)));
  });
  const u = new URL(loginUrl);
  const token = u.searchParams.get('token')!;
  const url = `${u.protocol}//${u.host}`;
  return {
    url,
    loginUrl,
    token,
    home,
    process: child,
    async call<T>(name: string, input: unknown): Promise<T> {
      const res = await fetch(`${url}/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(input) });
      const body = (await res.json()) as { result?: T; error?: { message: string } };
      if (body.error) throw new Error(body.error.message);
      return body.result!;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Debian's Chromium, headless, with the flags that work on these machines. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ], // Playwright gives every launch a fresh, empty profile of its own

  });
}

/** Collects the page's console errors and CSP violations: a test fails on any. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}
