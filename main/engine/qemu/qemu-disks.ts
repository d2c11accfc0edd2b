import { NbdServer } from '../../disk/nbd/nbd-server.js';
import { openDisk, type Disk } from '../../disk/index.js';
import type { IdeSlot } from '../../api/vm-settings.js';

/**
 * A VM's hard disks as QEMU sees them: each opened with Kaso's VHD library (any kind, differencing chains
 * whole) and exported over NBD under its IDE position's name. A snapshot swaps a disk under its export
 * while QEMU stays connected.
 */
export class QemuDisks {
  private readonly server = new NbdServer();
  private readonly disks = new Map<IdeSlot, Disk>();

  constructor(private readonly warn: (message: string) => void) {
    this.server.on('warning', (m: string) => this.warn(m));
  }

  async open(disks: { slot: IdeSlot; path: string }[], socketPath: string): Promise<void> {
    for (const d of disks) {
      const disk = await openDisk(d.path, { writable: true });
      this.disks.set(d.slot, disk);
      this.server.addExport(d.slot, disk);
    }
    await this.server.listen(socketPath);
  }

  /** Waits for every request in flight, then makes every write durable. */
  async quiesce(): Promise<void> {
    await this.server.drained();
    await Promise.all([...this.disks.values()].map((d) => d.flush()));
  }

  /** Serves `file` under the slot's export from now on; the frozen disk is closed. */
  async switchTo(slot: IdeSlot, file: string): Promise<void> {
    const old = this.disks.get(slot);
    if (!old) throw new Error(`the machine has no hard disk at the ${slot} position`);
    const next = await openDisk(file, { writable: true });
    await this.server.replaceDevice(slot, next);
    this.disks.set(slot, next);
    await old.close();
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.quiesceDevices();
    await Promise.all([...this.disks.values()].map((d) => d.close()));
    this.disks.clear();
  }

  private async quiesceDevices(): Promise<void> {
    await Promise.all([...this.disks.values()].map((d) => d.flush().catch(() => {})));
  }
}
