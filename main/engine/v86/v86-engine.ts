import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { V86 } from 'v86';
import type { ConsoleToVm } from '../../api/console.js';
import { openDisk, type Disk } from '../../disk/index.js';
import type { Engine, EngineEvents } from '../engine.js';
import { CTRL_ALT_DEL, chordScancodes, scancodesFor } from '../keyboard/scancodes.js';
import { Screenshots } from '../screenshots.js';
import type { IdeSlot } from '../../api/vm-settings.js';
import type { EngineBootConfig, EngineReplyValue, EngineRequest } from '../protocol.js';
import { readSavedState, writeSavedState } from '../saved-state.js';
import { ScreenModel } from '../screen-model.js';
import { V86DiskAdapter } from './disk-adapter.js';
import { calmIdleGuest } from './idle.js';
import { inside, type V86Inside } from './internals.js';
import { v86Options, type V86Drives } from './options.js';
import { quietPciHotplug } from './pci-hotplug.js';
import { V86Nics, type ExtraNicState, type V86Bus } from './nic-adapter.js';
import type { EngineNic } from '../protocol.js';
import { interceptReboot, wirePower } from './power.js';
import { divertScreen, polyfillImageData } from './screen-adapter.js';

const V86_VERSION = (createRequire(import.meta.url)('v86/package.json') as { version: string }).version;

/** Keys typed per burst: the PS/2 controller's queue is small, so long texts go in pieces. */
const TYPE_BURST = 24;

/**
 * The embedded engine: v86 (x86 in WebAssembly) with Kaso's disks, screen model, serial ports and power.
 * One per process: a v86 panic kills its whole JavaScript realm.
 */
export class V86Engine extends EventEmitter<EngineEvents> implements Engine {
  readonly screen = new ScreenModel();
  private readonly screenshots = new Screenshots(this.screen);
  private emulator: V86 | null = null;
  private v86: V86Inside | null = null;
  private config: EngineBootConfig | null = null;
  private adapters: V86DiskAdapter[] = [];
  private devices: Disk[] = [];
  /** The hard disks' adapters by IDE position, for a snapshot to switch them to new files. */
  private diskAdapters = new Map<IdeSlot, V86DiskAdapter>();
  private floppy: ArrayBuffer | null = null;
  private power: { pressPowerButton: () => boolean } | null = null;
  private drives: V86Drives = {};
  private rebootInPlace: (() => void) | null = null;
  private serialPending: [number[], number[]] = [[], []];
  private serialFlush: NodeJS.Immediate | null = null;
  private nics: V86Nics | null = null;
  private restoring = false;
  private extraNicState: ExtraNicState | null = null;

  async boot(config: EngineBootConfig): Promise<string> {
    this.config = config;
    polyfillImageData();
    this.drives = await this.openDrives(config);
    const restored = config.restoreFrom ? await this.loadState(config) : null;
    // The state's shape depends on these; a state from before NICs had v86's default NE2000.
    if (restored) this.config = { ...config, acpi: restored.acpi, nics: matchModels(config.nics, restored.nicModels) };
    this.restoring = restored !== null;
    this.extraNicState = restored?.extraNics ?? null;
    await this.start(this.drives, restored?.state ?? null);
    return 'v86';
  }

  private async start(drives: V86Drives, initialState: ArrayBuffer | null): Promise<void> {
    const options = await v86Options(this.config!, drives, initialState);
    const emulator = new V86(options as never);
    this.emulator = emulator;
    divertScreen(emulator, this.screen);
    await new Promise<void>((resolve) => emulator.add_listener('emulator-loaded', () => resolve()));
    const v86 = inside(emulator);
    this.v86 = v86;
    calmIdleGuest(v86);
    if (this.config!.acpi) quietPciHotplug(v86);
    this.power = wirePower(v86, () => this.emit('off', 'the guest shut down'));
    this.rebootInPlace = v86.cpu.reboot_internal.bind(v86.cpu);
    interceptReboot(v86, () => void this.guestReset());
    this.nics?.close();
    this.nics = new V86Nics(v86, (emulator as unknown as { bus: V86Bus }).bus);
    this.nics.wire(this.config!.nics, this.restoring, this.extraNicState);
    this.restoring = false;
    emulator.add_listener('serial0-output-byte', (b) => this.serialOut(1, b));
    emulator.add_listener('serial1-output-byte', (b) => this.serialOut(2, b));
    await emulator.run();
  }

  private async openDrives(config: EngineBootConfig): Promise<V86Drives> {
    const drives: V86Drives = {};
    for (const d of config.disks) {
      const key = d.slot === 'primaryMaster' ? 'hda' : d.slot === 'primarySlave' ? 'hdb' : null;
      if (!key) throw new Error(`the embedded engine has no hard disk at the ${d.slot} position`);
      drives[key] = await this.adapterFor(await openDisk(d.path, { writable: true }));
      this.diskAdapters.set(d.slot, drives[key]);
    }
    for (const c of config.cdroms) {
      if (c.slot !== 'secondaryMaster') throw new Error('the embedded engine has one CD-ROM drive, at the secondary master position');
      if (c.path) drives.cdrom = await this.adapterFor(await openDisk(c.path, { allowRaw: true }));
    }
    if (config.floppy) {
      const b = await fs.readFile(config.floppy);
      this.floppy = drives.floppy = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    }
    return drives;
  }

  private async adapterFor(device: Disk): Promise<V86DiskAdapter> {
    this.devices.push(device);
    const adapter = new V86DiskAdapter(device, (m) => this.emit('warning', `${device.path}: ${m}`));
    await adapter.preload();
    this.adapters.push(adapter);
    return adapter;
  }

  private async loadState(config: EngineBootConfig): Promise<{ state: ArrayBuffer; acpi: boolean; nicModels: ('ne2k' | 'virtio')[]; extraNics: ExtraNicState | null }> {
    const { header, state } = await readSavedState(config.restoreFrom!);
    if (header.engine !== 'v86') throw new Error(`the saved state was made by the ${header.engine} engine`);
    if (header.engineVersion !== V86_VERSION)
      throw new Error(`the saved state was made by v86 ${header.engineVersion}; this Kaso runs ${V86_VERSION}: discard the saved state to start afresh`);
    if (header.memoryMiB !== config.memoryMiB)
      throw new Error(`the saved state has ${header.memoryMiB} MiB of memory, the VM now ${config.memoryMiB} MiB: set it back or discard the saved state`);
    return { state: state.slice().buffer, acpi: header.acpi ?? false, nicModels: header.nics ?? ['ne2k'], extraNics: header.extraNics ?? null };
  }

  async pause(): Promise<void> {
    await this.emulator?.stop();
  }

  async resume(): Promise<void> {
    await this.emulator?.run();
  }

  async reset(): Promise<void> {
    await this.guestReset();
  }

  /**
   * A reset. A disk or CD boot restarts in place; a direct kernel boot starts a fresh emulator, because the
   * kernel v86 copied into memory at start is gone after the first boot (v86 would panic).
   */
  private async guestReset(): Promise<void> {
    if (!this.config?.kernel) {
      this.rebootInPlace?.();
      return;
    }
    const old = this.emulator!;
    await old.stop();
    await this.quiesce();
    await old.destroy();
    await this.start({ ...this.drives, floppy: this.floppy ?? undefined }, null);
  }

  async turnOff(): Promise<void> {
    await this.emulator?.stop();
    await this.quiesce();
    await this.closeDevices();
    await this.emulator?.destroy();
  }


  async saveState(file: string): Promise<{ bytes: number }> {
    const emulator = this.emulator!;
    await emulator.stop();
    await this.quiesce();
    const bytes = await this.writeState(file);
    await this.closeDevices();
    await emulator.destroy();
    return { bytes };
  }

  /** The machine state (the guest is stopped and its disks quiet), with what it belongs to. */
  private async writeState(file: string, durable = true): Promise<number> {
    const state = new Uint8Array(await this.emulator!.save_state());
    const header = {
      engine: 'v86',
      engineVersion: V86_VERSION,
      memoryMiB: this.config!.memoryMiB,
      acpi: this.config!.acpi,
      nics: this.config!.nics.map((n) => n.model),
      extraNics: this.nics?.saveExtras() ?? undefined,
      disks: this.config!.disks.map((d) => d.path),
      saved: new Date().toISOString(),
    };
    return writeSavedState(file, header, state, durable);
  }

  /** A snapshot's first half: the guest stops, every write reaches its file, the state is kept if asked. */
  private async checkpoint(stateFile: string | null): Promise<EngineReplyValue> {
    const emulator = this.emulator!;
    const wasRunning = emulator.is_running();
    await emulator.stop();
    await this.quiesce();
    // Not forced to storage here: the host does that once the guest runs again (it stands still less).
    const stateBytes = stateFile ? await this.writeState(stateFile, false) : 0;
    return { kind: 'checkpoint', stateBytes, wasRunning };
  }

  /** A snapshot's second half: the frozen disks are closed, the guest writes to their new children. */
  private async switchDisks(disks: { slot: IdeSlot; path: string }[], resume: boolean): Promise<EngineReplyValue> {
    for (const { slot, path: file } of disks) {
      const adapter = this.diskAdapters.get(slot);
      if (!adapter) throw new Error(`the machine has no hard disk at the ${slot} position`);
      const next = await openDisk(file, { writable: true });
      const old = adapter.replaceDevice(next) as Disk;
      this.devices = [...this.devices.filter((d) => d !== old), next];
      await old.close();
      this.config = { ...this.config!, disks: this.config!.disks.map((d) => (d.slot === slot ? { slot, path: file } : d)) };
    }
    if (resume) await this.emulator!.run();
    return { kind: 'done', count: disks.length };
  }

  /** Waits for every disk request in flight, then makes all writes durable and stores the floppy. */
  private async quiesce(): Promise<void> {
    await Promise.all(this.adapters.map((a) => a.drained()));
    await Promise.all(this.devices.filter((d) => !d.readOnly).map((d) => d.flush()));
    if (this.floppy && this.config?.floppy) await fs.writeFile(this.config.floppy, new Uint8Array(this.floppy));
  }

  private async closeDevices(): Promise<void> {
    this.nics?.close();
    await Promise.all(this.devices.splice(0).map((d) => d.close()));
  }

  input(msg: ConsoleToVm): void {
    const e = this.emulator;
    if (!e) return;
    const bus = (e as unknown as { bus: { send: (name: string, value: unknown) => void } }).bus;
    switch (msg.t) {
      case 'key':
        e.keyboard_send_scancodes(scancodesFor(msg.code, msg.down));
        break;
      case 'mouse-move':
        bus.send('mouse-delta', [msg.dx, -msg.dy]);
        break;
      case 'mouse-buttons':
        bus.send('mouse-click', [msg.left, msg.middle, msg.right]);
        break;
      case 'wheel':
        bus.send('mouse-wheel', [msg.dy, 0]);
        break;
      case 'serial':
        e.serial_send_bytes(msg.port - 1, msg.data);
        break;
      case 'ctrl-alt-del':
        e.keyboard_send_scancodes(chordScancodes(CTRL_ALT_DEL.join('+')));
        break;
      case 'refresh':
        break;
    }
  }

  async request(what: EngineRequest): Promise<EngineReplyValue> {
    const e = this.emulator;
    if (!e) throw new Error('the guest is not running');
    switch (what.kind) {
      case 'screenshot': {
        this.refreshScreen();
        return { kind: 'screenshot', ...this.screenshots.take(what.maxWidth) };
      }
      case 'text-screen':
        return { kind: 'text-screen', rows: this.screen.textRows(), mode: this.screen.graphical ? 'graphics' : 'text' };
      case 'type-text':
        for (let i = 0; i < what.text.length; i += TYPE_BURST) {
          e.keyboard_send_text(what.text.slice(i, i + TYPE_BURST));
          await new Promise((r) => setTimeout(r, 30));
        }
        return { kind: 'done', count: what.text.length };
      case 'keys':
        for (const chord of what.codes) e.keyboard_send_scancodes(chordScancodes(chord));
        return { kind: 'done', count: what.codes.length };
      case 'serial-in':
        e.serial_send_bytes(what.port - 1, what.data);
        return { kind: 'done', count: what.data.length };
      case 'checkpoint':
        return this.checkpoint(what.stateFile);
      case 'switch-disks':
        return this.switchDisks(what.disks, what.resume);
      case 'acpi-shutdown':
        if (!this.power?.pressPowerButton())
          throw new Error('the guest has no ACPI power button driver listening (an older OS, or ACPI is off): use Turn Off instead');
        return { kind: 'done', count: 1 };
    }
  }

  usage(): null {
    return null; // the guest runs in this process, which engine-main measures itself
  }

  cpuTarget(): { pid: number; canPause: boolean } {
    return { pid: process.pid, canPause: false };
  }

  refreshScreen(): void {
    if (this.screen.graphical) this.v86?.cpu.devices.vga?.screen_fill_buffer();
  }

  /** Serial bytes go out in batches (one message per event-loop turn, not one per byte). */
  private serialOut(port: 1 | 2, byte: number): void {
    this.serialPending[port - 1]!.push(byte);
    this.serialFlush ??= setImmediate(() => {
      this.serialFlush = null;
      this.serialPending.forEach((bytes, i) => {
        if (bytes.length === 0) return;
        this.emit('serial', (i + 1) as 1 | 2, Uint8Array.from(bytes));
        bytes.length = 0;
      });
    });
  }
}

/**
 * The NICs a restored machine has: the saved machine's models, in order (the state holds those devices),
 * with today's addresses and cables. A state from before NICs existed had v86's default NE2000.
 */
function matchModels(nics: EngineNic[], models: ('ne2k' | 'virtio')[]): EngineNic[] {
  return models.map((model, i) => ({ ...(nics[i] ?? { index: i, portId: '', mac: '02:00:00:00:00:00', socket: '' }), model }));
}
