import { EventEmitter } from 'node:events';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFirmware } from '../../native-shims/firmware.js';
import { EngineEnvironment } from './engine-environment.js';
import type { ConsoleToVm } from '../api/console.js';
import {
  ApiError,
  parseRequest,
  type HostEvents,
  type HostInfo,
  type RequestInput,
  type RequestName,
  type RequestResults,
  type VmDetails,
} from '../api/requests.js';
import type { VmState, VmSummary } from '../api/vm-state.js';
import { isKnownKey } from '../engine/keyboard/scancodes.js';
import type { NetworkResults } from '../api/networks.js';
import { bootConfig } from './boot-config.js';
import { ensureAllowed, type Action } from './lifecycle.js';
import { VmLibrary, type VmRecord } from './vm-library.js';
import { ConsoleRelay, type ConsoleViewer } from './console-relay.js';
import { VmProcess } from './vm-process.js';
import { productVersion } from './version.js';
import { SnapshotService, type SnapshotHost } from './snapshots/snapshot-service.js';
import { cloneVm } from './clone.js';
import { JobRegistry } from './jobs.js';
import { closeUndoSession, openUndoSession } from './undo-disks.js';
import { exportVm } from './import/export-vm.js';
import { importVm } from './import/import-vm.js';
import { NetworkService } from './networks/network-service.js';
import { onlyCablesMove } from './networks/nic-changes.js';
import { importedNics, unclashMacs } from './networks/imported-nics.js';

const VERSION = productVersion();
const THUMBNAIL_EVERY_MS = 3000;
const THUMBNAIL_WIDTH = 240;

interface Live {
  state: VmState;
  reason: string | null;
  process: VmProcess | null;
  thumbnail: Uint8Array | null;
  thumbnailVersion: number;
}


type Handlers = { [N in RequestName]: (input: RequestInput<N>) => Promise<RequestResults[N]> };

/**
 * The host service: the VM library, each VM's lifecycle and process, and the API every client uses (the
 * Electron window, the web host, the CLI). Requests are validated here, whoever sends them.
 */
export class HostService extends EventEmitter<{
  event: [name: keyof HostEvents, payload: HostEvents[keyof HostEvents]];
  /** A client asked the host to end (after its VMs were saved). */
  'stop-requested': [];
}> {
  private readonly live = new Map<string, Live>();
  private readonly handlers: Handlers;
  private readonly relays = new Map<string, ConsoleRelay>();
  private thumbnailTimer: NodeJS.Timeout | null = null;
  private readonly snapshots: SnapshotService;
  private readonly jobs = new JobRegistry((info) => this.emit('event', 'job.changed', info));

  private constructor(
    readonly library: VmLibrary,
    readonly nets: NetworkService,
    private readonly engines: EngineEnvironment,
  ) {
    super();
    this.handlers = { ...this.vmHandlers, ...nets.handlers };
    this.snapshots = new SnapshotService(this.snapshotHost());
  }

  static async create(home: string): Promise<HostService> {
    const library = await VmLibrary.open(home);
    let host: HostService | null = null;
    const nets = await NetworkService.open(library, (info) => {
      if ('removed' in info) host?.emit('event', 'net.removed', { name: info.removed });
      else host?.emit('event', 'net.changed', info);
    });
    host = new HostService(library, nets, await EngineEnvironment.open(home));
    await nets.sync();
    await host.snapshots.recoverAll((m) => process.stderr.write(`kaso: ${m}\n`));
    for (const r of host.library.list()) host.live.set(r.id, host.initialLive(r));
    host.snapshots.consolidateAll();
    host.thumbnailTimer = setInterval(() => void host.refreshThumbnails(), THUMBNAIL_EVERY_MS);
    host.thumbnailTimer.unref();
    return host;
  }

  /** Runs a request by name with untrusted input: bad input is an INVALID_INPUT error, not a crash. */
  async handle(name: string, input: unknown): Promise<unknown> {
    if (!Object.prototype.hasOwnProperty.call(this.handlers, name)) throw new ApiError('INVALID_INPUT', `unknown request "${name}"`);
    const n = name as RequestName;
    const parsed = parseRequest(n, input);
    try {
      return await (this.handlers[n] as (i: unknown) => Promise<unknown>)(parsed);
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError('FAILED', (e as Error).message);
    }
  }

  private readonly vmHandlers: Omit<Handlers, keyof NetworkResults> = {
    'host.setPreferences': async ({ qemuPath }) => {
      await this.engines.setQemuPath(qemuPath);
      return this.hostInfo();
    },
    'host.info': async () => this.hostInfo(),
    'host.stop': async () => {
      const running = [...this.live.values()].filter((l) => l.state === 'running' || l.state === 'paused').length;
      await this.saveAll();
      setImmediate(() => this.emit('stop-requested'));
      return { savedVms: running };
    },
    'vm.list': async () => this.library.list().map((r) => this.summary(r)),
    'vm.get': async ({ id }) => this.details(this.library.get(id)),
    'vm.create': async ({ settings, newDisk }) => {
      if (settings.nics) this.nets.checkNics(settings.nics, null);
      const record = await this.library.create(settings, newDisk?.sizeMiB);
      this.live.set(record.id, this.initialLive(record));
      this.changed(record);
      return this.details(record);
    },
    'vm.update': async ({ id, settings }) => {
      // Moving a NIC's cable (another network, or none) is fine while the VM runs or is saved, as on real hardware.
      if (!onlyCablesMove(this.library.get(id).file.settings, settings)) this.guard('edit', id);
      if (settings.nics) this.nets.checkNics(settings.nics, id);
      const record = await this.library.update(id, settings);
      this.changed(record);
      return this.details(record);
    },
    'vm.delete': async ({ id, keepDisks }) => {
      this.guard('delete', id);
      const result = await this.library.remove(id, keepDisks);
      this.live.delete(id);
      this.emit('event', 'vm.removed', { id });
      void this.syncNetworks();
      return result;
    },
    'vm.clone': async ({ id, name, mode }) => {
      this.guard(mode === 'linked' ? 'cloneLinked' : 'cloneFull', id);
      const job = this.jobs.start(id, 'clone', `Cloning "${this.library.get(id).file.settings.name}" to "${name}"`);
      const record = await job.run(cloneVm(this.library, this.snapshots, id, name, mode, job));
      this.live.set(record.id, this.initialLive(record));
      this.changed(record);
      return this.details(record);
    },
    'vm.start': async ({ id }) => this.start(id),
    'vm.import': async ({ path: file, name }) => {
      const owner = (mac: string) => this.library.nicOwner(mac)?.file.settings.name ?? null;
      const imported = await importVm(this.library, file, (foreign) => importedNics(foreign, this.nets.networks, owner), name);
      // A Kaso VM brought back beside its original would share its NICs' addresses: those get new ones.
      const { record, warnings: clashes } = await unclashMacs(this.library, imported.record);
      const warnings = [...imported.warnings, ...clashes];
      this.live.set(record.id, this.initialLive(record));
      this.changed(record);
      return { vm: this.details(record), warnings };
    },
    'vm.export': async ({ id, folder }) => {
      this.guard('export', id);
      return { folder: await exportVm(this.library, this.library.get(id), folder) };
    },
    'vm.undo': async ({ id, action }) => {
      this.guard('closeUndo', id);
      const record = await closeUndoSession(this.library, this.library.get(id), action);
      this.changed(record);
      return this.details(record);
    },
    'vm.turnOff': async ({ id }) => this.stop(id, 'turnOff'),
    'vm.shutdown': async ({ id }) => {
      this.guard('shutdown', id);
      await this.process(id).request({ kind: 'acpi-shutdown' });
      return this.summary(this.library.get(id));
    },
    'vm.pause': async ({ id }) => this.pauseResume(id, 'pause'),
    'vm.resume': async ({ id }) => this.pauseResume(id, 'resume'),
    'vm.reset': async ({ id }) => {
      this.guard('reset', id);
      this.process(id).send({ t: 'reset' });
      return this.summary(this.library.get(id));
    },
    'vm.ctrlAltDel': async ({ id }) => {
      this.guard('ctrlAltDel', id);
      this.process(id).send({ t: 'console', msg: { t: 'ctrl-alt-del' } });
      return this.summary(this.library.get(id));
    },
    'vm.save': async ({ id }) => this.stop(id, 'save'),
    'vm.discardSavedState': async ({ id }) => {
      this.guard('discardSavedState', id);
      const record = this.library.get(id);
      await fs.rm(this.library.statePath(record), { force: true });
      this.setState(record, 'off', null);
      return this.summary(record);
    },
    'vm.screenshot': async ({ id }) => {
      const v = await this.process(id).request({ kind: 'screenshot' });
      if (v.kind !== 'screenshot') throw new Error('unexpected reply');
      return { png: Buffer.from(v.png).toString('base64'), width: v.width, height: v.height };
    },
    'vm.thumbnail': async ({ id }) => {
      const l = this.liveOf(id);
      return { png: l.thumbnail ? Buffer.from(l.thumbnail).toString('base64') : null };
    },
    'vm.textScreen': async ({ id }) => {
      const v = await this.process(id).request({ kind: 'text-screen' });
      if (v.kind !== 'text-screen') throw new Error('unexpected reply');
      return { rows: v.rows, mode: v.mode };
    },
    'vm.typeText': async ({ id, text }) => {
      const v = await this.process(id).request({ kind: 'type-text', text }, 600_000);
      return { typed: v.kind === 'done' ? v.count : 0 };
    },
    'vm.sendKeys': async ({ id, codes }) => {
      for (const chord of codes)
        for (const k of chord.split('+'))
          if (!isKnownKey(k)) throw new ApiError('INVALID_INPUT', `codes: unknown key "${k}" (use names like KeyA, Enter, F1, ControlLeft+AltLeft+Delete)`, 'codes');
      const v = await this.process(id).request({ kind: 'keys', codes });
      return { sent: v.kind === 'done' ? v.count : 0 };
    },
    'vm.serialWrite': async ({ id, port, data }) => {
      const p = this.serialPort(id, port);
      p.send(new TextEncoder().encode(data));
      return { written: data.length };
    },
    'vm.serialRead': async ({ id, port, since }) => {
      const { data, next } = this.serialPort(id, port).read(since);
      return { data: Buffer.from(data).toString('base64'), next };
    },
    'snapshot.list': async ({ id }) => this.snapshots.tree(id),
    'snapshot.take': async ({ id, name, description }) => this.snapshots.take(id, name, description),
    'snapshot.revert': async ({ id, snapshotId, discardCurrent }) => this.snapshots.revert(id, snapshotId, discardCurrent ?? false),
    'snapshot.delete': async ({ id, snapshotId }) => this.snapshots.delete(id, snapshotId),
    'snapshot.rename': async ({ id, snapshotId, name, description }) => this.snapshots.rename(id, snapshotId, name, description),
    'snapshot.thumbnail': async ({ id, snapshotId }) => this.snapshots.thumbnail(id, snapshotId),
    'job.list': async () => this.jobs.list(),
    'job.cancel': async ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) }),
    'files.list': async ({ path: wanted }) => listFolder(wanted ?? os.homedir()),
  };

  summary(record: VmRecord): VmSummary {
    const l = this.liveOf(record.id);
    const s = record.file.settings;
    return {
      id: record.id,
      name: s.name,
      folder: record.folder,
      configFile: record.configFile,
      state: l.state,
      stateReason: l.reason,
      osPreset: s.osPreset,
      engine: s.engine,
      engineStatus: l.process?.status ?? null,
      memoryMiB: s.memoryMiB,
      comEndpoints: [l.process?.serial[0]?.endpoint ?? null, l.process?.serial[1]?.endpoint ?? null],
      thumbnailVersion: l.thumbnailVersion,
      cpuPercent: l.process?.cpuPercent ?? null,
      vcpuPercent: l.process?.vcpuPercent ?? null,
    };
  }

  details(record: VmRecord): VmDetails {
    return {
      ...this.summary(record),
      settings: record.file.settings,
      created: record.file.created,
      modified: record.file.modified,
      hasSavedState: existsSync(this.library.statePath(record)),
      undoPending: record.file.undo !== undefined,
    };
  }

  /** A web client's console: the host subscribes to the VM's stream and relays it. */
  openConsole(id: string, viewer: ConsoleViewer): { input: (msg: ConsoleToVm) => void; close: () => void } {
    const relay = this.relayOf(id);
    relay.add(viewer);
    const proc = this.liveOf(id).process;
    if (proc) {
      if (relay.size === 1) proc.send({ t: 'subscribe', on: true });
      else proc.send({ t: 'console', msg: { t: 'refresh' } }); // the newcomer needs the whole screen
    }
    return {
      input: (msg) => relay.fromViewer(viewer, msg),
      close: () => {
        relay.remove(viewer);
        if (relay.size === 0) this.liveOf(id).process?.send({ t: 'subscribe', on: false });
      },
    };
  }

  private relayOf(id: string): ConsoleRelay {
    let relay = this.relays.get(id);
    if (!relay) {
      relay = new ConsoleRelay((msg) => this.live.get(id)?.process?.send({ t: 'console', msg }));
      this.relays.set(id, relay);
    }
    return relay;
  }

  /** Inside Electron: hands the VM's process one end of a channel whose other end goes to a window. */
  attachPort(id: string, port: unknown): void {
    this.process(id).send({ t: 'attach-port' }, [port]);
  }

  /** Saves the state of every running VM (when the host is asked to stop): nothing is lost. */
  async saveAll(): Promise<void> {
    const running = [...this.live.entries()].filter(([, l]) => l.state === 'running' || l.state === 'paused');
    await Promise.allSettled(running.map(([id]) => this.stop(id, 'save')));
    this.nets.netd.stop();
    if (this.thumbnailTimer) clearInterval(this.thumbnailTimer);
  }

  /** Tells netd the current picture; a failure is reported, never thrown at the caller (the VM change stands). */
  private async syncNetworks(): Promise<void> {
    await this.nets.sync().catch((e: Error) => process.stderr.write(`kaso: could not update the virtual networks: ${e.message}\n`));
  }

  /** Kills every VM process (tests, and a host that must go now). */
  killAll(): void {
    this.nets.netd.stop();
    for (const l of this.live.values()) l.process?.kill();
    if (this.thumbnailTimer) clearInterval(this.thumbnailTimer);
  }

  private async hostInfo(): Promise<HostInfo> {
    const fw = findFirmware();
    return {
      version: VERSION,
      platform: `${os.type()} ${os.release()} (${os.arch()})`,
      memory: { totalMiB: Math.floor(os.totalmem() / 1048576), freeMiB: Math.floor(os.freemem() / 1048576) },
      library: this.library.folder,
      firmware: fw.found ? { found: true, description: fw.firmware.source } : { found: false, description: fw.message },
      engines: await this.engines.describe(),
      preferences: this.engines.preferences,
    };
  }

  private async start(id: string): Promise<VmSummary> {
    if (this.snapshots.busy(id))
      throw new ApiError('CONFLICT', `"${this.library.get(id).file.settings.name}" cannot start while a snapshot operation runs on it; try again when it ends`);
    return this.boot(id);
  }

  /** Starts a VM (the snapshot service calls this directly, from inside its own operation). */
  private async boot(id: string): Promise<VmSummary> {
    this.guard('start', id);
    const record = await openUndoSession(this.library, this.library.get(id));
    const needs = await this.engines.needs(record.file.settings.engine);
    const statePath = this.library.statePath(record);
    const restoreFrom = existsSync(statePath) ? statePath : null;
    const config = bootConfig(this.library, record, needs, restoreFrom, this.nets.socketPath);
    this.assertDisksFree(record);
    await this.library.checkFiles(record);
    const before = this.liveOf(id).state;
    this.setState(record, 'starting', null);
    let proc: VmProcess;
    try {
      proc = await VmProcess.start(config, record.file.settings.com, path.join(this.library.home, 'run'));
    } catch (e) {
      this.setState(record, before === 'saved' ? 'saved' : 'off', `could not start: ${(e as Error).message}`);
      throw new ApiError('FAILED', `could not start "${record.file.settings.name}": ${(e as Error).message}`);
    }
    this.adopt(record, proc);
    // Once resumed, the saved state no longer matches the disks: it must never be restored again.
    if (restoreFrom) await fs.rm(restoreFrom, { force: true });
    this.setState(record, 'running', null);
    return this.summary(record);
  }

  private adopt(record: VmRecord, proc: VmProcess): void {
    const l = this.liveOf(record.id);
    l.process = proc;
    proc.on('running', () => this.setState(record, 'running', null));
    proc.on('paused', () => this.setState(record, 'paused', null));
    proc.on('warning', (m) => {
      l.reason = m;
      this.changed(record);
    });
    proc.on('console', (msg) => this.relays.get(record.id)?.fromEngine(msg));
    proc.on('ended', (how, detail) => {
      l.process = null;
      const current = this.library.list().find((r) => r.id === record.id) ?? record;
      this.setState(current, how, how === 'off' && detail === 'turned off' ? null : detail);
      this.relays.get(record.id)?.fromEngine({ t: 'state', state: how, engineStatus: null });
      this.snapshots.afterStop(record.id);
    });
    if ((this.relays.get(record.id)?.size ?? 0) > 0) proc.send({ t: 'subscribe', on: true });
  }

  private async stop(id: string, how: 'turnOff' | 'save'): Promise<VmSummary> {
    this.guard(how, id);
    const record = this.library.get(id);
    const proc = this.process(id);
    this.setState(record, how === 'save' ? 'saving' : 'stopping', null);
    const ended = new Promise<void>((resolve) => proc.once('ended', () => resolve()));
    proc.send(how === 'save' ? { t: 'save-state', file: this.library.statePath(record) } : { t: 'turn-off' });
    await ended;
    return this.summary(this.library.get(id));
  }

  private async pauseResume(id: string, action: 'pause' | 'resume'): Promise<VmSummary> {
    this.guard(action, id);
    const proc = this.process(id);
    const target = action === 'pause' ? 'paused' : 'running';
    const done = new Promise<void>((resolve) => proc.once(target, () => resolve()));
    proc.send({ t: action });
    await done;
    return this.summary(this.library.get(id));
  }

  /** A disk may be in one running VM at a time: two guests writing one disk destroy it. */
  private assertDisksFree(record: VmRecord): void {
    const mine = new Set(this.library.diskFiles(record));
    for (const other of this.library.list()) {
      if (other.id === record.id || !this.liveOf(other.id).process) continue;
      const shared = this.library.diskFiles(other).find((d) => mine.has(d));
      if (shared) throw new ApiError('CONFLICT', `the disk ${shared} is in use by the running VM "${other.file.settings.name}"`);
    }
  }

  /** What the snapshot service may ask of the host (it starts, saves and stops VMs through here). */
  private snapshotHost(): SnapshotHost {
    return {
      library: this.library,
      stateOf: (id) => this.liveOf(id).state,
      engineOf: (id) => this.liveOf(id).process,
      thumbnailOf: (id) => this.liveOf(id).thumbnail,
      saveVm: async (id) => void (await this.stop(id, 'save')),
      turnOffVm: async (id) => void (await this.stop(id, 'turnOff')),
      startVm: async (id) => void (await this.boot(id)),
      vmChanged: (id) => {
        const l = this.liveOf(id);
        if (!l.process) l.state = this.initialLive(this.library.get(id)).state;
        this.changed(this.library.get(id));
      },
      treeChanged: (tree) => this.emit('event', 'snapshots.changed', tree),
      startJob: (vmId, operation, label) => this.jobs.start(vmId, operation, label),
    };
  }

  private guard(action: Action, id: string): void {
    ensureAllowed(action, this.liveOf(id).state, this.library.get(id).file.settings.name);
  }

  private process(id: string): VmProcess {
    const p = this.liveOf(id).process;
    if (!p) throw new ApiError('CONFLICT', `"${this.library.get(id).file.settings.name}" is not running`);
    return p;
  }

  private serialPort(id: string, port: 1 | 2) {
    const p = this.process(id).serial[port - 1];
    if (!p) throw new ApiError('CONFLICT', `COM${port} of "${this.library.get(id).file.settings.name}" is not connected (set it in Settings > COM Ports)`);
    return p;
  }

  private liveOf(id: string): Live {
    const l = this.live.get(id);
    if (!l) throw new ApiError('NOT_FOUND', `no virtual machine with id ${id}`);
    return l;
  }

  private initialLive(record: VmRecord): Live {
    const saved = existsSync(this.library.statePath(record));
    return { state: saved ? 'saved' : 'off', reason: null, process: null, thumbnail: null, thumbnailVersion: 0 };
  }

  private setState(record: VmRecord, state: VmState, reason: string | null): void {
    const l = this.liveOf(record.id);
    l.state = state;
    l.reason = reason;
    this.changed(record);
  }

  private changed(record: VmRecord): void {
    void this.syncNetworks();
    this.emit('event', 'vm.changed', this.summary(this.library.get(record.id)));
  }

  private async refreshThumbnails(): Promise<void> {
    for (const r of this.library.list()) {
      const l = this.live.get(r.id);
      if (!l?.process || l.state !== 'running') continue;
      try {
        const v = await l.process.request({ kind: 'screenshot', maxWidth: THUMBNAIL_WIDTH }, 10_000);
        if (v.kind !== 'screenshot') continue;
        l.thumbnail = v.png;
        l.thumbnailVersion++;
        this.changed(r);
      } catch {
        // a VM that is busy or ending: try again next round
      }
    }
  }
}

async function listFolder(folder: string): Promise<RequestResults['files.list']> {
  const full = path.resolve(folder);
  let names: string[];
  try {
    names = await fs.readdir(full);
  } catch (e) {
    throw new ApiError('INVALID_INPUT', `path: cannot list ${full}: ${(e as Error).message}`, 'path');
  }
  const entries = [];
  for (const name of names.sort((a, b) => a.localeCompare(b))) {
    if (name.startsWith('.')) continue;
    const st = await fs.stat(path.join(full, name)).catch(() => null);
    if (!st) continue;
    entries.push({ name, path: path.join(full, name), kind: st.isDirectory() ? ('dir' as const) : ('file' as const), size: st.size });
  }
  const parent = path.dirname(full);
  return { path: full, parent: parent === full ? null : parent, entries };
}
