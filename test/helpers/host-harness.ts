import { afterAll } from 'vitest';
import type { VmDetails } from '../../main/api/requests.js';
import type { VmState } from '../../main/api/vm-state.js';
import type { HostService } from '../../main/host/host-service.js';
import { built } from './processes.js';
import { tempDir } from './temp-dir.js';

/**
 * A host service in the test's own process (engines still run in their own processes), with helpers to
 * wait for serial output and states the way a person watching the console would.
 */
export async function startHost(label: string): Promise<Harness> {
  const home = tempDir(label);
  // The compiled host: it starts the compiled engine, as the app and `kaso serve` do.
  const { HostService: Host } = (await import(built('main/host/host-service.js'))) as typeof import('../../main/host/host-service.js');
  const service = await Host.create(home);
  afterAll(() => service.killAll());
  return new Harness(service, home);
}

export class Harness {
  constructor(
    readonly service: HostService,
    readonly home: string,
  ) {}

  call<T>(name: string, input: unknown): Promise<T> {
    return this.service.handle(name, input) as Promise<T>;
  }

  async create(settings: Record<string, unknown>, newDisk?: { sizeMiB: number }): Promise<VmDetails> {
    return this.call<VmDetails>('vm.create', { settings, ...(newDisk ? { newDisk } : {}) });
  }

  async state(id: string): Promise<{ state: VmState; reason: string | null }> {
    const v = await this.call<VmDetails>('vm.get', { id });
    return { state: v.state, reason: v.stateReason };
  }

  /** What COM `port` has sent since position `since`, as text. */
  async serialSince(id: string, port: 1 | 2, since: number): Promise<{ text: string; next: number }> {
    const r = await this.call<{ data: string; next: number }>('vm.serialRead', { id, port, since });
    return { text: Buffer.from(r.data, 'base64').toString('latin1'), next: r.next };
  }

  /** Waits until COM output after `since` matches; returns everything seen. Fails with what arrived. */
  async waitSerial(id: string, pattern: RegExp, since = 0, timeoutMs = 120_000, port: 1 | 2 = 1): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let seen = '';
    let at = since;
    while (Date.now() < deadline) {
      const { text, next } = await this.serialSince(id, port, at);
      seen += text;
      at = next;
      if (pattern.test(seen)) return seen;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`COM${port} never showed ${pattern} within ${timeoutMs} ms; it showed:\n${seen.slice(-2000)}`);
  }

  /** Runs a shell command over COM1 and returns its output (the text between the command and the next prompt). */
  async run(id: string, command: string, timeoutMs = 60_000): Promise<string> {
    const marker = `done-${Math.random().toString(36).slice(2, 8)}`;
    const { next } = await this.serialSince(id, 1, Number.MAX_SAFE_INTEGER);
    await this.call('vm.serialWrite', { id, port: 1, data: `${command}; echo ${marker}-$?\r` });
    const out = await this.waitSerial(id, new RegExp(`${marker}-\\d+`), next, timeoutMs);
    const body = out.slice(out.indexOf('\n') + 1);
    return body.slice(0, body.search(new RegExp(`${marker}-\\d+`))).replace(/\r/g, '');
  }

  async waitState(id: string, state: VmState, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: VmState = 'off';
    while (Date.now() < deadline) {
      last = (await this.state(id)).state;
      if (last === state) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the VM stayed ${last}, never ${state}`);
  }

  async textScreen(id: string): Promise<string> {
    return (await this.call<{ rows: string[] }>('vm.textScreen', { id })).rows.join('\n');
  }

  async waitScreen(id: string, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = await this.textScreen(id);
      if (pattern.test(text)) return text;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the screen never showed ${pattern}; it showed:\n${text}`);
  }
}
