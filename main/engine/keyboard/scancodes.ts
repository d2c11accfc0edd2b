/**
 * PC keyboard scan codes (set 1, what the PS/2 controller hands a guest after translation), by
 * KeyboardEvent.code: the key's position, whatever the host's layout. Extended keys carry the 0xE0 prefix.
 */
const SET1: Record<string, number> = {
  Escape: 0x01, Digit1: 0x02, Digit2: 0x03, Digit3: 0x04, Digit4: 0x05, Digit5: 0x06, Digit6: 0x07, Digit7: 0x08,
  Digit8: 0x09, Digit9: 0x0a, Digit0: 0x0b, Minus: 0x0c, Equal: 0x0d, Backspace: 0x0e, Tab: 0x0f,
  KeyQ: 0x10, KeyW: 0x11, KeyE: 0x12, KeyR: 0x13, KeyT: 0x14, KeyY: 0x15, KeyU: 0x16, KeyI: 0x17, KeyO: 0x18,
  KeyP: 0x19, BracketLeft: 0x1a, BracketRight: 0x1b, Enter: 0x1c, ControlLeft: 0x1d, KeyA: 0x1e, KeyS: 0x1f,
  KeyD: 0x20, KeyF: 0x21, KeyG: 0x22, KeyH: 0x23, KeyJ: 0x24, KeyK: 0x25, KeyL: 0x26, Semicolon: 0x27,
  Quote: 0x28, Backquote: 0x29, ShiftLeft: 0x2a, Backslash: 0x2b, KeyZ: 0x2c, KeyX: 0x2d, KeyC: 0x2e, KeyV: 0x2f,
  KeyB: 0x30, KeyN: 0x31, KeyM: 0x32, Comma: 0x33, Period: 0x34, Slash: 0x35, ShiftRight: 0x36,
  NumpadMultiply: 0x37, AltLeft: 0x38, Space: 0x39, CapsLock: 0x3a, F1: 0x3b, F2: 0x3c, F3: 0x3d, F4: 0x3e,
  F5: 0x3f, F6: 0x40, F7: 0x41, F8: 0x42, F9: 0x43, F10: 0x44, NumLock: 0x45, ScrollLock: 0x46, Numpad7: 0x47,
  Numpad8: 0x48, Numpad9: 0x49, NumpadSubtract: 0x4a, Numpad4: 0x4b, Numpad5: 0x4c, Numpad6: 0x4d,
  NumpadAdd: 0x4e, Numpad1: 0x4f, Numpad2: 0x50, Numpad3: 0x51, Numpad0: 0x52, NumpadDecimal: 0x53,
  IntlBackslash: 0x56, F11: 0x57, F12: 0x58, IntlRo: 0x73, IntlYen: 0x7d,
  // Extended (0xE0 prefix) keys: the value's high byte marks them.
  NumpadEnter: 0xe01c, ControlRight: 0xe01d, NumpadDivide: 0xe035, PrintScreen: 0xe037, AltRight: 0xe038,
  Home: 0xe047, ArrowUp: 0xe048, PageUp: 0xe049, ArrowLeft: 0xe04b, ArrowRight: 0xe04d, End: 0xe04f,
  ArrowDown: 0xe050, PageDown: 0xe051, Insert: 0xe052, Delete: 0xe053, MetaLeft: 0xe05b, MetaRight: 0xe05c,
  ContextMenu: 0xe05d,
};

export function isKnownKey(code: string): boolean {
  return code in SET1 || code === 'Pause';
}

/** The bytes a key sends when pressed (down) or released; empty for a key the PC does not have. */
export function scancodesFor(code: string, down: boolean): number[] {
  if (code === 'Pause') return down ? [0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5] : []; // make and break in one
  const value = SET1[code];
  if (value === undefined) return [];
  const make = value & 0xff;
  const bytes = value > 0xff ? [0xe0, make] : [make];
  if (!down) bytes[bytes.length - 1] = make | 0x80;
  return bytes;
}

/** Press then release each key of a chord in order, releasing in reverse ("ControlLeft+AltLeft+Delete"). */
export function chordScancodes(chord: string): number[] {
  const keys = chordKeys(chord);
  return [...keys.flatMap((k) => scancodesFor(k, true)), ...[...keys].reverse().flatMap((k) => scancodesFor(k, false))];
}

export const CTRL_ALT_DEL = ['ControlLeft', 'AltLeft', 'Delete'];

/**
 * QEMU's number for a key (the XT scancode; an 0xE0-prefixed key as 0x80 | its code), as QMP's
 * input-send-event and VNC's QEMU extended key event take it. Null for a key the PC does not have.
 */
export function qemuKeyNumber(code: string): number | null {
  const value = SET1[code];
  if (value === undefined) return code === 'Pause' ? 0xc6 : null;
  return value > 0xff ? 0x80 | (value & 0x7f) : value;
}

/** A chord's keys, checked ("ControlLeft+AltLeft+Delete"). */
export function chordKeys(chord: string): string[] {
  const keys = chord.split('+').map((k) => k.trim());
  for (const k of keys) if (!isKnownKey(k)) throw new Error(`unknown key "${k}" (use KeyboardEvent.code names: KeyA, Enter, F1, ...)`);
  return keys;
}
