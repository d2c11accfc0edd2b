import type { V86Inside } from './internals.js';

const PM1A_CONTROL = 0xb004; // where SeaBIOS's ACPI tables put the PIIX4 power-management control register
const SLP_EN = 1 << 13;
const PWRBTN = 1 << 8;
const SCI_IRQ = 9;

/**
 * ACPI power, which v86 leaves out: a guest that writes "sleep type S5, enable" (soft off) is reported as
 * powered off, and the host can press the power button (the guest's ACPI driver then shuts down).
 */
export function wirePower(v86: V86Inside, onSoftOff: () => void): { pressPowerButton: () => boolean } {
  const acpi = v86.cpu.devices.acpi;
  if (!acpi) return { pressPowerButton: () => false };
  const entry = v86.cpu.io.ports[PM1A_CONTROL]!;
  const write16 = entry.write16;
  entry.write16 = function (this: unknown, value: number) {
    write16.call(this, value);
    if (value & SLP_EN && ((value >> 10) & 7) === 0) onSoftOff();
  };
  // v86's ACPI timer lowers the SCI line on every tick; keep it raised while a power button press is pending.
  const timer = acpi.timer.bind(acpi);
  acpi.timer = (now: number) => {
    const next = timer(now);
    if (acpi.pm1_status & acpi.pm1_enable & PWRBTN) v86.cpu.device_raise_irq(SCI_IRQ);
    return next;
  };
  return {
    pressPowerButton() {
      if (!(acpi.pm1_enable & PWRBTN)) return false; // no ACPI-aware OS listening
      acpi.pm1_status |= PWRBTN;
      v86.cpu.device_raise_irq(SCI_IRQ);
      return true;
    },
  };
}

/** A guest reset through any path (keyboard controller, port 0xCF9, Ctrl+Alt+Del) calls `handler` instead. */
export function interceptReboot(v86: V86Inside, handler: () => void): void {
  v86.cpu.reboot_internal = handler;
}
