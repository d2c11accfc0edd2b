import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { findQemu } from '../../native-shims/qemu.js';
import type { VmDetails } from '../../main/api/requests.js';
import { testGuest, testGuestMissing } from '../helpers/guest.js';
import { announceSkip } from '../helpers/peers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { launchBrowser, missingChromium, serveHost, watchErrors, type ServedHost } from '../helpers/web-session.js';

/**
 * A person at the web console of a QEMU VM: the same console as the embedded engine's, fed from QEMU's
 * VNC. The guest's screen shows; keys typed in the page reach the guest's VGA shell.
 */
const guest = await testGuest('amd64');
const qemu = await findQemu();
const missing = missingChromium() ?? (!guest ? testGuestMissing('amd64') : !qemu.found ? qemu.message : null);
announceSkip('QEMU web console end-to-end tests', missing);
const SHOTS = path.resolve('test-results/e2e');
const NAME = 'QEMU Guest';

describe.skipIf(missing)('the web console of a QEMU VM', () => {
  let host: ServedHost;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let vm: VmDetails;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    host = await serveHost(tempDir('e2e-qemu'));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    errors = watchErrors(page);
    await page.goto(host.loginUrl);
    vm = await host.call<VmDetails>('vm.create', {
      settings: { name: NAME, engine: 'qemu', osPreset: 'linux64', memoryMiB: 256, kernel: { kernel: guest!.kernel, initrd: guest!.initrd, append: guest!.cmdline } },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  const serialText = async () => {
    const r = await host.call<{ data: string }>('vm.serialRead', { id: vm.id, port: 1, since: 0 });
    return Buffer.from(r.data, 'base64').toString('latin1');
  };
  const state = async () => (await host.call<VmDetails>('vm.get', { id: vm.id })).state;

  it('shows the QEMU found on the Engine page, and refuses a QEMU path that is not one, at its field', async () => {
    await page.getByRole('option', { name: new RegExp(NAME) }).click();
    await page.getByRole('toolbar', { name: 'Virtual machine actions' }).getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: `Settings for ${NAME}` });
    await settings.getByRole('tab', { name: 'Engine' }).click();
    await expect.poll(() => settings.getByText(/QEMU \d+\.\d+/).first().isVisible()).toBe(true);
    const field = settings.getByLabel('QEMU program (for every VM on this host)');
    await field.fill('/bin/true');
    await settings.getByRole('button', { name: 'Use' }).click();
    await expect.poll(() => settings.getByRole('alert').first().textContent()).toMatch(/\/bin\/true does not run/);
    expect((await host.call<{ preferences: { qemuPath: string | null } }>('host.info', {})).preferences.qemuPath).toBeNull();
    await field.fill('');
    await settings.getByRole('button', { name: 'Use' }).click();
    await expect.poll(() => settings.getByText(/from PATH/).count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'qemu-00-engine-settings.png') });
    await settings.getByRole('button', { name: 'Cancel' }).click();
    errors.length = 0; // the refused path's 400 answer is logged by the browser; it was meant
  });

  it('starts it and shows the guest on the console, saying QEMU runs it', async () => {
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(state, { timeout: 60_000 }).toBe('running');
    await page.getByRole('button', { name: 'Connect' }).click();
    const screen = page.getByRole('img', { name: `${NAME} screen` });
    await screen.waitFor();
    await expect.poll(serialText, { timeout: 120_000, interval: 1000 }).toMatch(/KASO-GUEST-READY[\s\S]*kaso-guest#/);
    await page.waitForTimeout(1000); // the VGA console's prompt reaches the canvas
    expect(await page.getByTestId('console-status').textContent()).toMatch(/QEMU/);
    const box = (await screen.boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    await page.screenshot({ path: path.join(SHOTS, 'qemu-01-console-booted.png') });
  });

  it('takes keyboard input when clicked: a command typed on the page runs in the guest', async () => {
    const screen = page.getByRole('img', { name: `${NAME} screen` });
    const before = await screen.screenshot();
    await screen.click();
    await expect.poll(() => page.getByTestId('console-status').textContent()).toMatch(/Right Alt/);
    await page.keyboard.type('expr 50 - 8');
    await page.keyboard.press('Enter');
    await expect.poll(async () => Buffer.compare(before, await screen.screenshot()), { timeout: 15_000 }).not.toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'qemu-02-console-typed.png') });
    // The proof that the keys reached the guest's shell: it powers off when told to, from the keyboard alone.
    await page.keyboard.type('poweroff -f');
    await page.keyboard.press('Enter');
    await expect.poll(state, { timeout: 60_000 }).toBe('off');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
