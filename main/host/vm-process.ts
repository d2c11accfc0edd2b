import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { forkProcess, type ChildHandle } from '../../native-shims/fork.js';
import type { ConsoleFromVm } from '../api/console.js';
import type { ComPort } from '../api/vm-settings.js';
import type { EngineBootConfig, EngineReplyValue, EngineRequest, EngineToHost, HostToEngine } from '../engine/protocol.js';
import { PendingReplies } from './pending-replies.js';
import { SerialPort } from './serial-port.js';

const ENGINE_MAIN = fileURLToPath(new URL('../engine/engine-main.js', import.meta.url));
const BOOT_TIMEOUT_MS = 120_000;
const REQUEST_TIMEOUT_MS = 60_000;

export interface VmProcessEvents {
  /** The guest runs (again); `status` names the engine. */
  running: [status: string];
  paused: [];
  /** The process ended: how, and (for a crash) why. */
  ended: [how: 'off' | 'saved' | 'crashed', detail: string];
  console: [msg: ConsoleFromVm];
  warning: [message: string];
}

/**
 * One running VM seen from the host: its engine process, the requests in flight to it, its serial ports.
 * The process can die at any moment; whatever it was doing fails with the reason and the VM is marked
 * crashed, while the host and every other VM go on.
 */
export class VmProcess extends EventEmitter<VmProcessEvents> {
  status: string | null = null;
  cpuPercent: number | null = null;
  rssMiB: number | null = null;
  vcpuPercent: number[] | null = null;
  readonly serial: [SerialPort | null, SerialPort | null];
  private readonly replies = new PendingReplies<EngineReplyValue>();
  private ending: { how: 'off' | 'saved'; detail: string } | null = null;
  private fatal: string | null = null;
  private exited = false;

  private constructor(
    private readonly child: ChildHandle,
    com: [ComPort, ComPort],
  ) {
    super();
    const port = (n: 1 | 2) =>
      com[n - 1]!.mode === 'none' ? null : new SerialPort(n, com[n - 1]!, (data) => this.send({ t: 'console', msg: { t: 'serial', port: n, data } }));
    this.serial = [port(1), port(2)];
    child.on('message', (m) => this.onMessage(m as EngineToHost));
    child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  /** Starts the process and boots the guest; rejects (and kills the process) when the boot fails. */
  static async start(config: EngineBootConfig, com: [ComPort, ComPort], runtimeDir: string): Promise<VmProcess> {
    const child = await forkProcess(ENGINE_MAIN, { name: `kaso-vm-${config.name}` });
    const vm = new VmProcess(child, com);
    try {
      for (const s of vm.serial) await s?.open(config.vmId, runtimeDir);
      await vm.boot(config);
    } catch (e) {
      child.kill();
      for (const s of vm.serial) await s?.close();
      throw e;
    }
    return vm;
  }

  private boot(config: EngineBootConfig): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the engine did not start within two minutes')), BOOT_TIMEOUT_MS);
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.off('running', onRunning);
        this.off('ended', onEnded);
        if (err) reject(err);
        else resolve();
      };
      const onRunning = () => done();
      const onEnded = (_how: string, detail: string) => done(new Error(detail));
      this.on('running', onRunning);
      this.on('ended', onEnded);
      this.send({ t: 'boot', config });
    });
  }

  send(msg: HostToEngine, ports?: unknown[]): void {
    if (!this.exited) this.child.send(msg, ports);
  }

  request(what: EngineRequest, timeoutMs = REQUEST_TIMEOUT_MS): Promise<EngineReplyValue> {
    if (this.exited) return Promise.reject(new Error('the VM is not running'));
    return this.replies.ask(timeoutMs, `the engine did not answer a ${what.kind} request`, (id) => this.send({ t: 'request', id, what }));
  }

  /** Ends the process at once; with a reason, the VM is marked crashed with it. */
  kill(reason?: string): void {
    if (reason) this.fatal ??= reason;
    this.child.kill();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private onMessage(m: EngineToHost): void {
    switch (m.t) {
      case 'running':
        this.status = m.status;
        this.emit('running', m.status);
        return;
      case 'paused':
        this.emit('paused');
        return;
      case 'saved':
        this.ending = { how: 'saved', detail: `state saved (${Math.round(m.bytes / 1048576)} MiB in ${m.ms} ms)` };
        return;
      case 'off':
        this.ending = { how: 'off', detail: m.reason };
        return;
      case 'console':
        this.emit('console', m.msg);
        return;
      case 'serial-out':
        this.serial[m.port - 1]?.fromGuest(m.data);
        return;
      case 'reply':
        return this.replies.settle(m.id, m.error, m.value!);
      case 'warning':
        this.emit('warning', m.message);
        return;
      case 'fatal':
        this.fatal = m.message;
        return;
      case 'stats':
        this.cpuPercent = m.cpuPercent;
        this.rssMiB = m.rssMiB;
        this.vcpuPercent = m.vcpuPercent ?? null;
        return;
      case 'hello':
        return;
    }
  }

  private onExit(code: number | null, signal: string | null): void {
    this.exited = true;
    this.replies.failAll('the engine process ended');
    void Promise.all(this.serial.map((s) => s?.close()));
    if (this.ending) {
      this.emit('ended', this.ending.how, this.ending.detail);
      return;
    }
    const tail = this.child.stderrTail().trim().split('\n').slice(-3).join(' | ');
    const why =
      this.fatal ?? (signal ? `the engine process was killed (${signal})` : `the engine process exited with code ${code}`) + (tail ? `: ${tail}` : '');
    this.emit('ended', 'crashed', why);
  }
}
