import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { VmSummary } from '../../main/api/vm-state.js';

/**
 * What a person does at the console, step by step, whatever shows it (Chromium through `kaso serve`, or the
 * Electron app). `call` reaches the same host's API, to check what the screen claims.
 */
export class ConsoleScenario {
  constructor(
    readonly page: Page,
    readonly call: <T>(name: string, input: unknown) => Promise<T>,
    readonly shots: string,
  ) {}

  shot(name: string): Promise<Buffer> {
    return this.page.screenshot({ path: path.join(this.shots, `${name}.png`) });
  }

  async vm(name: string): Promise<VmSummary> {
    return (await this.call<VmSummary[]>('vm.list', {})).find((v) => v.name === name)!;
  }

  async textScreen(name: string): Promise<string> {
    return (await this.call<{ rows: string[] }>('vm.textScreen', { id: (await this.vm(name)).id })).rows.join('\n');
  }

  async createWithWizard(name: string, iso: string): Promise<void> {
    const page = this.page;
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const wizard = page.getByRole('dialog', { name: 'New Virtual Machine' });
    await wizard.getByLabel('Name').fill(name);
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByLabel('Operating system').selectOption({ label: 'Linux 32-bit' });
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByLabel('Memory (MiB)').fill('128');
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('radio', { name: 'No disk' }).check();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByLabel('CD image').fill(iso);
    await wizard.getByRole('button', { name: 'Next' }).click();
    await this.shot('01-wizard-summary');
    await wizard.getByRole('button', { name: 'Create' }).click();
    await expect.poll(async () => (await this.vm(name))?.memoryMiB).toBe(128);
    await page.getByRole('option', { name: new RegExp(name) }).click();
    await this.shot('02-library');
  }

  async startAndWatchBoot(name: string): Promise<void> {
    const page = this.page;
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(async () => (await this.vm(name)).state, { timeout: 30_000 }).toBe('running');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('img', { name: `${name} screen` }).waitFor();
    await expect.poll(() => this.textScreen(name), { timeout: 150_000, interval: 1000 }).toMatch(/KASO-GUEST-READY[\s\S]*kaso-guest#/);
    await page.waitForTimeout(500); // a frame tick for the canvas
    await this.shot('03-console-booted');
    expect(await page.getByTestId('console-status').textContent()).toMatch(/v86/);
  }

  async typeCommand(name: string): Promise<void> {
    const page = this.page;
    const screen = page.getByRole('img', { name: `${name} screen` });
    const before = await screen.screenshot();
    await screen.click();
    await expect.poll(() => page.getByTestId('console-status').textContent()).toMatch(/Right Alt/);
    // Keys travel by position, as a PC keyboard's do: type what needs no Shift (Playwright types '$' as Digit4).
    await page.keyboard.type('expr 50 - 8');
    await page.keyboard.press('Enter');
    await expect.poll(() => this.textScreen(name), { timeout: 30_000 }).toMatch(/expr 50 - 8\n42\n/);
    await page.waitForTimeout(300);
    expect(Buffer.compare(before, await screen.screenshot())).not.toBe(0); // the canvas shows the new lines
    await this.shot('04-console-typed');
    await page.keyboard.press('AltRight'); // the host key gives the keyboard back
    await expect.poll(() => page.getByTestId('console-status').textContent()).toMatch(/Click/);
  }

  async downloadScreenshot(): Promise<Buffer> {
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Screenshot' }).click();
    const png = readFileSync((await (await download).path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    return png;
  }

  async turnOff(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Turn Off' }).first().click();
    await expect.poll(async () => (await this.vm(name)).state, { timeout: 30_000 }).toBe('off');
    await this.shot('06-turned-off');
  }
}
