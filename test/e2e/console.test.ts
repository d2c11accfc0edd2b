import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ConsoleScenario } from '../helpers/console-scenario.js';
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
const NAME = 'Web Guest';

describe.skipIf(missing)('the web console', () => {
  let host: ServedHost;
  let browser: Browser;
  let s: ConsoleScenario;
  let errors: string[];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    host = await serveHost(tempDir('e2e'));
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    errors = watchErrors(page);
    s = new ConsoleScenario(page, host.call, SHOTS);
    await page.goto(host.loginUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('takes the token from the address and forgets it; without it, nothing answers', async () => {
    expect(s.page.url()).not.toContain('token=');
    expect((await fetch(`${host.url}/api/vm.list`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`${host.url}/api/vm.list`, { method: 'POST', body: '{}', headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('creates a VM with the wizard', () => s.createWithWizard(NAME, guest!.iso));
  it('starts it and shows the guest booting to its prompt on the console', () => s.startAndWatchBoot(NAME));
  it('takes keyboard input when clicked, and shows the output', () => s.typeCommand(NAME));

  it('saves a screenshot as a PNG', async () => {
    writeFileSync(path.join(SHOTS, '05-downloaded-screenshot.png'), await s.downloadScreenshot());
  });

  it('turns it off, with no error in the page along the way', async () => {
    await s.turnOff(NAME);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
