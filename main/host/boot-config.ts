import { ApiError } from '../api/requests.js';
import { IDE_SLOT_LABELS, IDE_SLOTS } from '../api/vm-settings.js';
import type { EngineBootConfig } from '../engine/protocol.js';
import type { EngineNeeds } from './engine-environment.js';
import { bootDiskPath } from './undo-disks.js';
import type { VmLibrary, VmRecord } from './vm-library.js';

/**
 * What the embedded engine's PC has: hard disks on the primary IDE channel (master, then slave) and one
 * CD-ROM drive at the secondary master. Anything else is refused before start, naming the setting.
 */
export function checkV86Layout(record: VmRecord): void {
  const ide = record.file.settings.ide;
  for (const slot of IDE_SLOTS) {
    const d = ide[slot];
    if (!d) continue;
    const ok = d.kind === 'disk' ? slot === 'primaryMaster' || slot === 'primarySlave' : slot === 'secondaryMaster';
    if (!ok)
      throw new ApiError(
        'INVALID_INPUT',
        `ide.${slot}: the embedded engine takes hard disks on the IDE primary channel and the CD-ROM at the secondary master, not a ${d.kind === 'disk' ? 'hard disk' : 'CD-ROM'} at the ${IDE_SLOT_LABELS[slot]} (choose the QEMU engine for other layouts)`,
        `ide.${slot}`,
      );
  }
  if (ide.primarySlave?.kind === 'disk' && ide.primaryMaster?.kind !== 'disk')
    throw new ApiError('INVALID_INPUT', 'ide.primarySlave: the embedded engine needs a primary master disk before a slave', 'ide.primarySlave');
}

export function bootConfig(library: VmLibrary, record: VmRecord, needs: EngineNeeds, restoreFrom: string | null, netdSocket: string): EngineBootConfig {
  const s = record.file.settings;
  if (s.engine === 'v86') checkV86Layout(record);
  const disks: EngineBootConfig['disks'] = [];
  const cdroms: EngineBootConfig['cdroms'] = [];
  for (const slot of IDE_SLOTS) {
    const d = s.ide[slot];
    if (d?.kind === 'disk') disks.push({ slot, path: library.resolve(record, bootDiskPath(record, slot, d.path)) });
    if (d?.kind === 'cdrom') cdroms.push({ slot, path: d.path ? library.resolve(record, d.path) : null });
  }
  return {
    vmId: record.id,
    name: s.name,
    engine: s.engine,
    qemu: needs.qemu,
    memoryMiB: s.memoryMiB,
    processors: s.cpu.processors,
    cpuMaximum: s.cpu.maximum,
    cpuWeight: s.cpu.weight,
    disks,
    cdroms,
    floppy: s.floppy ? library.resolve(record, s.floppy) : null,
    bootOrder: s.bootOrder,
    kernel: s.kernel
      ? { kernel: library.resolve(record, s.kernel.kernel), initrd: s.kernel.initrd ? library.resolve(record, s.kernel.initrd) : null, append: s.kernel.append }
      : null,
    firmware: needs.firmware ? { bios: needs.firmware.bios, vgaBios: needs.firmware.vgaBios } : null,
    restoreFrom,
    com: [s.com[0].mode !== 'none', s.com[1].mode !== 'none'],
    // ACPI gives the guest a power button (Shut Down) and soft off; v86/pci-hotplug.ts keeps Linux from
    // ejecting the PCI devices under it.
    acpi: true,
    nics: s.nics.map((n, index) => ({ index, portId: `${record.id}/${index}`, mac: n.mac, model: n.model, socket: netdSocket })),
  };
}
