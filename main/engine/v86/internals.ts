/**
 * The parts of v86's inside that Kaso reaches into (no public API covers them): the CPU's halt flag for an
 * idle guest, the VGA refresh for graphics modes, the ACPI registers for the power button,
 * I/O port handlers, the reboot path.
 * Kept here, typed loosely and checked, so a v86 upgrade that moves them fails in one place with a message.
 */
export interface V86Inside {
  yield: (t: number, tick: number) => void;
  next_tick: (t: number) => void;
  /** True between ticks (set by next_tick, cleared when a tick starts). */
  idle: boolean;
  yield_callback: (tick: number) => void;
  cpu: {
    in_hlt: Uint8Array;
    reboot_internal: () => void;
    device_raise_irq: (irq: number) => void;
    io: {
      ports: { write16: (this: unknown, value: number) => void; device: unknown }[];
      register_read: (port: number, device: object, r8: () => number, r16: () => number, r32: () => number) => void;
      register_write: (port: number, device: object, w8: () => void, w16: () => void, w32: () => void) => void;
    };
    devices: {
      vga?: { screen_fill_buffer: () => void };
      acpi?: { pm1_status: number; pm1_enable: number; timer: (now: number) => number };
    };
  };
}

export function inside(emulator: unknown): V86Inside {
  const v86 = (emulator as { v86?: V86Inside }).v86;
  if (!v86?.cpu?.io?.ports || typeof v86.cpu.io.register_read !== 'function' || typeof v86.yield !== 'function')
    throw new Error('this v86 build does not expose the internals Kaso needs (cpu, io ports, yield)');
  return v86;
}
