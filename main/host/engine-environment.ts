import path from 'node:path';
import { findFirmware, type Firmware } from '../../native-shims/firmware.js';
import { findQemu } from '../../native-shims/qemu.js';
import { openStore, type Store } from '../../native-shims/store.js';
import { ApiError, type HostPreferences } from '../api/requests.js';
import type { Engine } from '../api/vm-settings.js';
import { chooseAccel, type AccelChoice } from '../engine/qemu/accel-probe.js';
import type { QemuPlan } from '../engine/protocol.js';

/** What an engine needs from this host to run a VM. */
export interface EngineNeeds {
  firmware: Firmware | null;
  qemu: QemuPlan | null;
}

/**
 * What this host has for each engine: the embedded engine's firmware; QEMU and the accelerator that really
 * runs guests here (found and test-booted once, then remembered).
 */
export class EngineEnvironment {
  private accel = new Map<string, Promise<AccelChoice>>();

  private constructor(
    private readonly home: string,
    private readonly prefs: Store<{ qemuPath: string | null }>,
  ) {}

  static async open(home: string): Promise<EngineEnvironment> {
    return new EngineEnvironment(home, await openStore<{ qemuPath: string | null }>(home, 'preferences', { qemuPath: null }));
  }

  get preferences(): HostPreferences {
    return { qemuPath: this.prefs.get('qemuPath') };
  }

  /** Sets the QEMU to run; one that does not run (or is not a full path) is refused, and nothing changes. */
  async setQemuPath(file: string | null): Promise<void> {
    if (file !== null) {
      if (!path.isAbsolute(file)) throw new ApiError('INVALID_INPUT', `qemuPath: give the full path of qemu-system-x86_64, not "${file}"`, 'qemuPath');
      const q = await findQemu(file);
      if (!q.found || q.binary !== file) throw new ApiError('INVALID_INPUT', `qemuPath: ${q.found ? `${file} is not usable` : q.message}`, 'qemuPath');
    }
    this.prefs.set('qemuPath', file);
  }

  /** What a VM on `engine` needs; a clear error (with how to install what is missing) when it is not here. */
  async needs(engine: Engine): Promise<EngineNeeds> {
    if (engine === 'v86') {
      const fw = findFirmware();
      if (!fw.found) throw new ApiError('FAILED', fw.message);
      return { firmware: fw.firmware, qemu: null };
    }
    const q = await findQemu(this.preferences.qemuPath);
    if (!q.found) throw new ApiError('FAILED', `the VM runs on the QEMU engine, but ${q.message}`);
    const choice = await this.accelFor(q.binary, q.version);
    return { firmware: null, qemu: { binary: q.binary, version: q.version, accel: choice.accel, accelReason: choice.reason } };
  }

  /** The engines as host.info lists them. */
  async describe(): Promise<{ name: Engine; available: boolean; description: string }[]> {
    const fw = findFirmware();
    const q = await findQemu(this.preferences.qemuPath);
    const accel = q.found ? await this.known(q.binary) : null;
    return [
      { name: 'v86', available: fw.found, description: fw.found ? 'embedded x86 emulator (32-bit guests)' : fw.message },
      {
        name: 'qemu',
        available: q.found,
        description: q.found ? `QEMU ${q.version} (${q.binary}, from ${q.source})${accel ? `; ${accel.reason}` : '; accelerator chosen at the first start'}` : q.message,
      },
    ];
  }

  private accelFor(binary: string, version: string): Promise<AccelChoice> {
    let choice = this.accel.get(binary);
    if (!choice) {
      choice = chooseAccel(binary, version, path.join(this.home, 'cache', 'accelerator.json'));
      this.accel.set(binary, choice);
      choice.catch(() => this.accel.delete(binary));
    }
    return choice;
  }

  private async known(binary: string): Promise<AccelChoice | null> {
    return this.accel.has(binary) ? this.accel.get(binary)!.catch(() => null) : null;
  }
}
