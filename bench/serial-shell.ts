import type { HostService } from '../main/host/host-service.js';

/** A guest's COM1, wherever it leads: what it sent since a position, and a way to type into it. */
export interface SerialLine {
  read(since: number): Promise<{ text: string; next: number }>;
  write(text: string): Promise<void>;
}

/** COM1 of a VM the host service runs. */
export function hostSerial(service: HostService, id: string): SerialLine {
  return {
    async read(since) {
      const r = (await service.handle('vm.serialRead', { id, port: 1, since })) as { data: string; next: number };
      return { text: Buffer.from(r.data, 'base64').toString('latin1'), next: r.next };
    },
    async write(text) {
      await service.handle('vm.serialWrite', { id, port: 1, data: text });
    },
  };
}

/** A serial line whose bytes arrive by push (a QEMU started by hand, on a socket of the benchmark's). */
export class PushedSerial implements SerialLine {
  private text = '';
  constructor(private readonly send: (text: string) => void) {}
  push(data: Uint8Array): void {
    this.text += Buffer.from(data).toString('latin1');
  }
  async read(since: number): Promise<{ text: string; next: number }> {
    return { text: this.text.slice(since), next: this.text.length };
  }
  async write(text: string): Promise<void> {
    this.send(text);
  }
}

/** COM1 of a running guest as a shell: run a command, wait for its marker, read its output. */
export class SerialShell {
  private at = 0;
  constructor(private readonly line: SerialLine) {}

  async waitFor(pattern: RegExp, timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let seen = '';
    while (Date.now() < deadline) {
      const r = await this.line.read(this.at);
      this.at = r.next;
      seen += r.text;
      if (pattern.test(seen)) return seen;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`the guest never showed ${pattern}; it showed:\n${seen.slice(-1000)}`);
  }

  async run(command: string, timeoutMs = 120_000): Promise<string> {
    const marker = `mk${Math.random().toString(36).slice(2, 8)}`;
    await this.line.write(`${command}; echo ${marker}-$?\r`);
    const out = await this.waitFor(new RegExp(`${marker}-(\\d+)`), timeoutMs);
    const status = new RegExp(`${marker}-(\\d+)`).exec(out)![1];
    if (status !== '0') throw new Error(`"${command}" failed in the guest (${status}):\n${out.slice(-800)}`);
    return out;
  }

  /** The guest's own clock around a command (busybox `time`), so the serial line's delay is not counted. */
  async seconds(command: string): Promise<number> {
    const out = await this.run(`time ${command}`);
    const m = /real\s+(?:(\d+)m\s*)?([\d.]+)s/.exec(out);
    if (!m) throw new Error(`no time in:\n${out}`);
    return Number(m[1] ?? 0) * 60 + Number(m[2]);
  }

  async pingAvgMs(ip: string, count: number): Promise<number> {
    const out = await this.run(`ping -c ${count} -i 0.2 -q ${ip}`);
    const m = /min\/avg\/max = [\d.]+\/([\d.]+)\//.exec(out);
    if (!m) throw new Error(`no ping summary in:\n${out}`);
    return Number(m[1]);
  }
}
