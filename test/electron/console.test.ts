import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { _electron, type ElectronApplication } from 'playwright-core';
import { ConsoleScenario } from '../helpers/console-scenario.js';
import { testGuest, testGuestMissing } from '../helpers/guest.js';
import { announceSkip } from '../helpers/peers.js';
import { repoRoot } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * The same console scenario in the Electron app, where an Electron binary exists (ELECTRON_PATH, or
 * node_modules/electron/dist after an install that could download it).
 */
function electronBinary(): string | null {
  if (process.env.ELECTRON_PATH) return existsSync(process.env.ELECTRON_PATH) ? process.env.ELECTRON_PATH : null;
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const guest = await testGuest();
const missing = binary ? (guest ? null : testGuestMissing()) : 'no Electron binary (set ELECTRON_PATH, or install electron without ELECTRON_SKIP_BINARY_DOWNLOAD)';
announceSkip('Electron console tests', missing);
const SHOTS = path.resolve('test-results/electron');
const NAME = 'App Guest';

describe.skipIf(missing)('the Electron console', () => {
  let app: ElectronApplication;
  let s: ConsoleScenario;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const home = tempDir('electron');
    app = await _electron.launch({ executablePath: binary!, args: [repoRoot], env: { ...process.env, KASO_HOME: home } as Record<string, string> });
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    // The app also serves its API on loopback for the CLI: the scenario checks the screen through it.
    const host = JSON.parse(readFileSync(path.join(home, 'host.json'), 'utf8')) as { url: string; token: string };
    const call = async <T>(name: string, input: unknown): Promise<T> => {
      const res = await fetch(`${host.url}/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: JSON.stringify(input) });
      return ((await res.json()) as { result: T }).result;
    };
    s = new ConsoleScenario(page, call, SHOTS);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('creates a VM with the wizard', () => s.createWithWizard(NAME, guest!.iso));
  it('starts it and shows the guest booting on the console', () => s.startAndWatchBoot(NAME));
  it('takes keyboard input', () => s.typeCommand(NAME));
  it('turns it off', () => s.turnOff(NAME));
});
