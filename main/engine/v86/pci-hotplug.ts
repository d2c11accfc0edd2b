import type { V86Inside } from './internals.js';

/** QEMU's PIIX4 ACPI PCI hotplug registers, which SeaBIOS's ACPI tables (DSDT) point the guest at. */
const HOTPLUG_PORTS = { first: 0xae00, last: 0xae0f };

/**
 * v86 has ACPI but not these registers, so they read as all ones: "every slot removed". Linux's acpiphp
 * believes it and ejects every PCI device, the IDE controller included, and the guest boots without its
 * disks. Answering zeros says "no slot changed", which is true: the machine's devices are fixed.
 */
export function quietPciHotplug(v86: V86Inside): void {
  const none = () => 0;
  const ignore = () => {};
  const device = {};
  for (let port = HOTPLUG_PORTS.first; port <= HOTPLUG_PORTS.last; port++) {
    v86.cpu.io.register_read(port, device, none, none, none);
    v86.cpu.io.register_write(port, device, ignore, ignore, ignore);
  }
}
