import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConsoleToVm } from '../../api/console.js';
import type { IdeSlot } from '../../api/vm-settings.js';
import type { Engine, EngineEvents } from '../engine.js';
import type { EngineBootConfig, EngineReplyValue, EngineRequest, QemuPlan } from '../protocol.js';
import { readSavedState, writeSavedState } from '../saved-state.js';
import { ScreenModel } from '../screen-model.js';
import { QemuConsole } from './qemu-console.js';
import { QemuDisks } from './qemu-disks.js';
import { machineShape, qemuArgs, type QemuSockets } from './qemu-args.js';
import { QemuProcess } from './qemu-process.js';
import { loadMachine, saveMachine } from './migration.js';
import { QemuNicRelay } from './nic-relay.js';
import { ProcessUsage } from './process-usage.js';
import { QmpClient, type QmpEvent } from './qmp-client.js';
import { screendump } from './screendump.js';
import { SerialServer } from './serial-server.js';

const QUIT_GRACE_MS = 5000;

/**
 * The accelerated engine: QEMU in its own process, driven over QMP, with Kaso's VHD library serving its
 * disks over NBD, its screen and input over VNC, its COM ports and NICs on sockets this process owns.
 */
export class QemuEngine extends EventEmitter<EngineEvents> implements Engine {
  readonly screen = new ScreenModel();
  private config!: EngineBootConfig;
  private plan!: QemuPlan;
  private dir = '';
  private qemu: QemuProcess | null = null;
  private qmp: QmpClient | null = null;
  private readonly disks = new QemuDisks((m) => this.emit('warning', m));
  private serial: SerialServer[] = [];
  private nics: QemuNicRelay[] = [];
  private console: QemuConsole | null = null;
  private usageMeter: ProcessUsage | null = null;
  private shots = 0;
  /** Set once this process means QEMU to end, so its exit is not a crash. */
  private ending = false;

  async boot(config: EngineBootConfig): Promise<string> {
    try {
      return await this.start(config);
    } catch (e) {
      await this.abandon().catch(() => {}); // nothing the guest wrote is lost: it never ran (-S)
      throw e;
    }
  }

  private async start(config: EngineBootConfig): Promise<string> {
    if (!config.qemu) throw new Error('no QEMU to run this VM');
    this.config = config;
    this.plan = config.qemu;
    this.dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kaso-q-'));
    const sockets = this.socketPaths();
    const restored = config.restoreFrom ? await this.readState(config.restoreFrom) : null;
    await this.disks.open(config.disks, sockets.nbd);
    this.serial = sockets.serial.map((s, i) => new SerialServer(s, (d) => this.emit('serial', (i + 1) as 1 | 2, d)));
    await Promise.all(this.serial.map((s) => s.listen()));
    this.startQemu(qemuArgs(config, this.plan.accel, sockets));
    const alive = () => this.qemu?.alive ?? false;
    this.qmp = await QmpClient.connect(sockets.qmp, alive);
    this.qmp.on('event', (e) => this.onEvent(e));
    this.console = await QemuConsole.connect(sockets.vnc, this.screen, this.qmp, alive);
    this.nics = config.nics.map((n, i) => new QemuNicRelay(n, sockets.nics[i]!));
    await Promise.all(this.nics.map((n) => n.start(alive)));
    if (restored) await loadMachine(this.qmp, path.join(this.dir, 'in.sock'), restored, alive);
    await this.watchVcpus();
    await this.qmp.execute('cont');
    return `QEMU ${this.plan.version}, ${this.plan.accelReason}`;
  }

  private socketPaths(): QemuSockets {
    const at = (name: string) => path.join(this.dir, name);
    return { qmp: at('qmp.sock'), vnc: at('vnc.sock'), nbd: at('nbd.sock'), serial: [at('com1.sock'), at('com2.sock')], nics: this.config.nics.map((_, i) => at(`nic${i}.sock`)) };
  }

  private startQemu(args: string[]): void {
    const qemu = new QemuProcess(this.plan.binary, args);
    this.qemu = qemu;
    this.usageMeter = new ProcessUsage(qemu.pid);
    qemu.on('exit', (why) => {
      if (!this.ending) this.emit('failed', why);
    });
  }

  private async readState(file: string): Promise<Uint8Array> {
    const { header, state } = await readSavedState(file);
    if (header.engine !== 'qemu') throw new Error(`the saved state was made by the ${header.engine} engine: discard it to start with QEMU`);
    if (header.engineVersion !== this.plan.version)
      throw new Error(`the saved state was made by QEMU ${header.engineVersion}; this is QEMU ${this.plan.version}: discard the saved state to start afresh`);
    if (header.machine !== machineShape(this.config))
      throw new Error('the VM\'s memory, processors, drives or network adapters changed since the state was saved: set them back or discard the saved state');
    return state;
  }

  private onEvent(e: QmpEvent): void {
    if (e.event === 'SHUTDOWN' && e.data?.guest === true) this.emit('off', 'the guest shut down');
    if (e.event === 'GUEST_PANICKED') this.emit('failed', 'the guest operating system crashed (it reported a panic)');
    if (e.event === 'STOP') void this.checkInternalError();
  }

  /** A guest QEMU stopped on its own, after a KVM internal error, will never run again: it has failed. */
  private async checkInternalError(): Promise<void> {
    const status = await this.qmp?.execute<{ status: string }>('query-status').catch(() => null);
    if (status?.status === 'internal-error') this.emit('failed', `${this.plan.accel.toUpperCase()} stopped the guest with an internal error: ${this.qemu?.lastWords() ?? ''}`);
  }

  private async watchVcpus(): Promise<void> {
    const cpus = await this.qmp!.execute<{ 'cpu-index': number; 'thread-id': number }[]>('query-cpus-fast');
    this.usageMeter?.setThreads(cpus.sort((a, b) => a['cpu-index'] - b['cpu-index']).map((c) => c['thread-id']));
  }

  async pause(): Promise<void> {
    await this.qmp!.execute('stop');
  }

  async resume(): Promise<void> {
    await this.qmp!.execute('cont');
  }

  async reset(): Promise<void> {
    await this.qmp!.execute('system_reset');
  }

  async turnOff(): Promise<void> {
    await this.stopQemu();
    await this.release();
  }

  async saveState(file: string): Promise<{ bytes: number }> {
    const { running } = await this.qmp!.execute<{ running: boolean }>('query-status');
    await this.qmp!.execute('stop');
    let bytes: number;
    try {
      await this.disks.quiesce();
      bytes = await this.writeState(file, true);
    } catch (e) {
      if (running) await this.qmp!.execute('cont').catch(() => {}); // not saved: the guest goes on as it was
      throw e;
    }
    await this.turnOff();
    return { bytes };
  }

  private async writeState(file: string, durable: boolean): Promise<number> {
    const state = await saveMachine(this.qmp!, path.join(this.dir, 'out.sock'));
    const header = {
      engine: 'qemu',
      engineVersion: this.plan.version,
      memoryMiB: this.config.memoryMiB,
      machine: machineShape(this.config),
      nics: this.config.nics.map((n) => n.model),
      disks: this.config.disks.map((d) => d.path),
      saved: new Date().toISOString(),
    };
    return writeSavedState(file, header, state, durable);
  }

  /** Ends QEMU: asked to quit, killed if it does not. */
  private async stopQemu(): Promise<void> {
    this.ending = true;
    if (!this.qemu?.alive) return;
    await this.qmp?.execute('quit').catch(() => {});
    await this.qemu.waitForExit(QUIT_GRACE_MS);
  }

  /** Everything this process holds for the VM, after QEMU has ended: disks flushed and closed last. */
  private async release(): Promise<void> {
    this.console?.close();
    this.qmp?.close();
    for (const n of this.nics) n.close();
    for (const s of this.serial) s.close();
    await this.disks.close();
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  /** The VM failed (QEMU died, the guest crashed): whatever is left is ended and released. */
  async abandon(): Promise<void> {
    this.ending = true;
    this.qemu?.kill();
    await this.qemu?.waitForExit(QUIT_GRACE_MS);
    if (this.dir) await this.release();
  }

  private async checkpoint(stateFile: string | null): Promise<EngineReplyValue> {
    const status = await this.qmp!.execute<{ running: boolean }>('query-status');
    await this.qmp!.execute('stop');
    await this.disks.quiesce();
    const stateBytes = stateFile ? await this.writeState(stateFile, false) : 0;
    return { kind: 'checkpoint', stateBytes, wasRunning: status.running };
  }

  private async switchDisks(disks: { slot: IdeSlot; path: string }[], resume: boolean): Promise<EngineReplyValue> {
    for (const d of disks) {
      await this.disks.switchTo(d.slot, d.path);
      this.config = { ...this.config, disks: this.config.disks.map((x) => (x.slot === d.slot ? d : x)) };
    }
    if (resume) await this.qmp!.execute('cont');
    return { kind: 'done', count: disks.length };
  }

  input(msg: ConsoleToVm): void {
    if (msg.t === 'serial') this.serial[msg.port - 1]?.send(msg.data);
    else this.console?.input(msg);
  }

  async request(what: EngineRequest): Promise<EngineReplyValue> {
    if (!this.qmp || !this.qemu?.alive) throw new Error('the guest is not running');
    switch (what.kind) {
      case 'screenshot':
        return { kind: 'screenshot', ...(await this.screenshot(what.maxWidth)) };
      case 'text-screen':
        return { kind: 'text-screen', rows: [], mode: 'graphics' }; // QEMU shows even text modes as pixels
      case 'type-text':
        return { kind: 'done', count: await this.console!.typeText(what.text) };
      case 'keys':
        return { kind: 'done', count: await this.console!.pressChords(what.codes) };
      case 'serial-in':
        this.serial[what.port - 1]?.send(what.data);
        return { kind: 'done', count: what.data.length };
      case 'acpi-shutdown':
        // QEMU cannot tell whether anything in the guest listens; the VM shows "running" until it does.
        await this.qmp.execute('system_powerdown');
        return { kind: 'done', count: 1 };
      case 'checkpoint':
        return this.checkpoint(what.stateFile);
      case 'switch-disks':
        return this.switchDisks(what.disks, what.resume);
    }
  }

  /** Each picture in a file of its own: requests may overlap (a thumbnail and a user's screenshot). */
  private async screenshot(maxWidth?: number): Promise<{ png: Uint8Array; width: number; height: number }> {
    const file = path.join(this.dir, `screen-${this.shots++}`);
    try {
      return await screendump(this.qmp!, file, maxWidth);
    } finally {
      await fs.rm(file, { force: true });
    }
  }

  refreshScreen(): void {
    this.console?.requestUpdate();
  }

  usage(): { cpuPercent: number; rssMiB: number; vcpuPercent: number[] } | null {
    return this.usageMeter?.sample() ?? null;
  }

  cpuTarget(): { pid: number; canPause: boolean } {
    return { pid: this.qemu?.pid ?? 0, canPause: true };
  }
}
