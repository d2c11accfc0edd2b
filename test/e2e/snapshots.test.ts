import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SnapshotTree } from '../../main/api/snapshots.js';
import type { VmDetails } from '../../main/api/requests.js';
import { testGuest, testGuestMissing } from '../helpers/guest.js';
import { announceSkip } from '../helpers/peers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { launchBrowser, missingChromium, serveHost, watchErrors, type ServedHost } from '../helpers/web-session.js';

/**
 * A person working with the snapshot tree beside a running guest (kaso serve, in Chromium): take a
 * snapshot, change the guest, revert, and delete the branch that reverting kept. The guest's screen is the
 * witness: a snapshot with memory brings back exactly what it showed.
 */
const guest = await testGuest();
const missing = missingChromium() ?? (guest ? null : testGuestMissing());
announceSkip('snapshot tree end-to-end tests', missing);
const SHOTS = path.resolve('test-results/e2e');
const NAME = 'Snap Guest';

describe.skipIf(missing)('the snapshot tree in the web console', () => {
  let host: ServedHost;
  let browser: Browser;
  let page: Page;
  let vm: VmDetails;
  let errors: string[];

  const screenText = async () => (await host.call<{ rows: string[] }>('vm.textScreen', { id: vm.id })).rows.join('\n');
  const tree = () => page.getByRole('tree', { name: `Snapshots of ${NAME}` });
  const node = (name: string) => tree().getByRole('treeitem', { name, exact: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    host = await serveHost(tempDir('e2e-snap'));
    const ide = { primaryMaster: null, primarySlave: null, secondaryMaster: { kind: 'cdrom', path: guest!.iso }, secondarySlave: null };
    vm = await host.call<VmDetails>('vm.create', { settings: { name: NAME, memoryMiB: 128, osPreset: 'linux32', ide } });
    await host.call('vm.start', { id: vm.id });
    for (let tries = 0; !/KASO-GUEST-READY[\s\S]*kaso-guest#/.test(await screenText()); tries++) {
      if (tries > 150) throw new Error(`the guest never showed its prompt:\n${await screenText()}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchErrors(page);
    await page.goto(host.loginUrl);
    await page.getByRole('option', { name: new RegExp(NAME) }).click();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('takes a snapshot of the running guest from the tree', async () => {
    await host.call('vm.typeText', { id: vm.id, text: 'echo first-moment\n' });
    await expect.poll(screenText).toMatch(/^first-moment$/m);
    const panel = page.getByRole('region', { name: 'Snapshots' });
    await panel.getByRole('button', { name: 'Take Snapshot' }).click();
    const dialog = page.getByRole('dialog', { name: 'Take Snapshot' });
    await dialog.getByLabel('Name').fill('First');
    await dialog.getByRole('button', { name: 'Take Snapshot' }).click();
    await node('First').waitFor();
    await expect.poll(async () => (await host.call<SnapshotTree>('snapshot.list', { id: vm.id })).snapshots.map((s) => [s.name, s.hasState])).toEqual([['First', true]]);
    expect(await node('Now').getAttribute('aria-current')).toBe('true');
    await page.screenshot({ path: path.join(SHOTS, '10-snapshot-taken.png') });
  });

  it('reverts to it: the guest shows again what it showed then, and the present is kept as a branch', async () => {
    await host.call('vm.typeText', { id: vm.id, text: 'echo after-the-snapshot\n' });
    await expect.poll(screenText).toMatch(/^after-the-snapshot$/m);
    await node('First').click();
    await page.getByRole('region', { name: 'Snapshots' }).getByRole('button', { name: 'Revert' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revert to Snapshot' });
    expect(await dialog.getByRole('checkbox', { name: 'Keep the present state as a branch' }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Revert' }).click();
    await expect.poll(async () => (await host.call<VmDetails>('vm.get', { id: vm.id })).state, { timeout: 60_000 }).toBe('running');
    await expect.poll(screenText, { timeout: 30_000 }).not.toMatch(/after-the-snapshot/);
    expect(await screenText()).toMatch(/^first-moment$/m);
    await node('Before reverting to "First"').waitFor();
    await page.screenshot({ path: path.join(SHOTS, '11-snapshot-reverted.png') });
  });

  it('deletes the branch from its context menu, and nothing else changes', async () => {
    await node('Before reverting to "First"').click({ button: 'right' });
    await page.getByRole('menuitem', { name: /Delete/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Snapshot' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => node('Before reverting to "First"').count()).toBe(0);
    await node('First').waitFor();
    expect(await screenText()).toMatch(/^first-moment$/m);
    await page.screenshot({ path: path.join(SHOTS, '12-snapshot-deleted.png') });
    await host.call('vm.turnOff', { id: vm.id });
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
