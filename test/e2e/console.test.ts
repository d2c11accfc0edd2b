import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { VmSummary } from '../../main/api/vm-state.js';
import { testGuest, testGuestMissing } from '../helpers/guest.js';
import { announceSkip } from '../helpers/peers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { launchBrowser, missingChromium, serveHost, watchErrors, type ServedHost } from '../helpers/web-session.js';

/**
 * A person at the web console (kaso serve, in Chromium): create a VM with the wizard, start it, watch the
 * guest boot on the console, type a command, take a screenshot, turn it off. Screenshots land in
 * test-results/e2e/ to look at.
 */
const guest = await testGuest();
const missing = missingChromium() ?? (guest ? null : testGuestMissing());
announceSkip('web console end-to-end tests', missing);
const SHOTS = path.resolve('test-results/e2e');

describe.skipIf(missing)('the web console', () => {
  let host: ServedHost;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    host = await serveHost(tempDir('e2e'));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    errors = watchErrors(page);
    await page.goto(host.loginUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  const vm = async (name: string) => (await host.call<VmSummary[]>('vm.list', {})).find((v) => v.name === name)!;

  it('takes the token from the address and forgets it; without it, nothing answers', async () => {
    expect(page.url()).not.toContain('token=');
    const anonymous = await fetch(`${host.url}/api/vm.list`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
  });

  it('creates a VM with the wizard', async () => {
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const wizard = page.getByRole('dialog', { name: 'New Virtual Machine' });
    await wizard.getByLabel('Name').fill('Web Guest');
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByLabel('Operating system').selectOption({ label: 'Linux 32-bit' });
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByLabel('Memory (MiB)').fill('128');
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: 'No disk' }).check();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByLabel('CD image').fill(guest!.iso);
    await wizard.getByRole('button', { name: 'Next' }).click();
    await shot('01-wizard-summary');
    await wizard.getByRole('button', { name: 'Create' }).click();
    await expect.poll(async () => (await vm('Web Guest'))?.memoryMiB).toBe(128);
    await page.getByRole('option', { name: /Web Guest/ }).click();
    await shot('02-library');
  });

  it('starts it and shows the guest booting to its prompt on the console', async () => {
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(async () => (await vm('Web Guest')).state, { timeout: 30_000 }).toBe('running');
    await page.getByRole('button', { name: 'Connect' }).click();
    const screen = page.getByRole('img', { name: 'Web Guest screen' });
    await screen.waitFor();
    const id = (await vm('Web Guest')).id;
    await expect
      .poll(async () => (await host.call<{ rows: string[] }>('vm.textScreen', { id })).rows.join('\n'), { timeout: 150_000, interval: 1000 })
      .toMatch(/KASO-GUEST-READY[\s\S]*kaso-guest#/);
    await page.waitForTimeout(500); // a frame tick for the canvas
    await shot('03-console-booted');
    expect(await page.getByTestId('console-status').textContent()).toMatch(/v86/);
  });

  it('takes keyboard input when clicked, and shows the output', async () => {
    const id = (await vm('Web Guest')).id;
    const screen = page.getByRole('img', { name: 'Web Guest screen' });
    const before = await screen.screenshot();
    await screen.click();
    await expect.poll(() => page.getByTestId('console-status').textContent()).toMatch(/Right Alt/);
    // Keys travel by position, as a PC keyboard's do: type what needs no Shift (Playwright types '$' as Digit4).
    await page.keyboard.type('expr 50 - 8');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await host.call<{ rows: string[] }>('vm.textScreen', { id })).rows.join('\n'), { timeout: 30_000 })
      .toMatch(/expr 50 - 8\n42\n/);
    await page.waitForTimeout(300);
    const after = await screen.screenshot();
    expect(Buffer.compare(before, after)).not.toBe(0); // the canvas shows the new lines
    await shot('04-console-typed');
    await page.keyboard.press('AltRight'); // the host key gives the keyboard back
    await expect.poll(() => page.getByTestId('console-status').textContent()).toMatch(/Click/);
  });

  it('saves a screenshot as a PNG', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Screenshot' }).click();
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    writeFileSync(path.join(SHOTS, '05-downloaded-screenshot.png'), png);
  });

  it('turns it off', async () => {
    await page.getByRole('button', { name: 'Turn Off' }).first().click();
    await expect.poll(async () => (await vm('Web Guest')).state, { timeout: 30_000 }).toBe('off');
    await shot('06-turned-off');
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
