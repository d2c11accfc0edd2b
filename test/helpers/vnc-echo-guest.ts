import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { QmpClient } from '../../main/engine/qemu/qmp-client.js';

export const QEMU_SYSTEM = 'qemu-system-x86_64';

/** Why QEMU tests cannot run here, or null. */
export function missingQemuSystem(): string | null {
  const r = spawnSync(QEMU_SYSTEM, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${QEMU_SYSTEM} is not installed`;
}

/**
 * A guest with no OS, for testing QEMU's console: a boot sector that keeps every byte the keyboard
 * controller hands it (keyboard and mouse, the mouse switched to IntelliMouse so the wheel counts) in a
 * log in its memory, for QMP's pmemsave to read back. It also fills the text screen with each key's scan
 * code (a change on screen per key press), and switches video mode on G (VGA mode 13h), V (Bochs VBE
 * 1000x600x32) and T (text). Assembled with GNU as (`as --32`, `ld -Ttext 0x7c00 --oformat binary`) from:
 *
 *   cli; zero ds, es, ss; sp = 0x7c00; [0x0ffe] = 0 (log length)
 *   IVT 9 (IRQ1) = kbd_irq; IVT 0x74 (IRQ12) = aux_irq
 *   PIC masks: 0xf9 (IRQ1 and the cascade), 0xef (IRQ12)   ; the BIOS's handlers would eat the bytes
 *   CRTC 0x0a = 0x20                                        ; no cursor: its blinking would change the screen
 *   i8042: 0xa8 (aux on); command byte |= 2 (aux interrupts), &= ~0x20 (aux clock)
 *   mouse via 0xd4: f3 c8, f3 64, f3 50 (the IntelliMouse knock), f4 (stream on)
 *   loop: sti; hlt
 *   kbd_irq/aux_irq: in al, 0x60; log [0x1000 + 2n] = al, source (1 keyboard, 2 mouse); n++; EOI
 *   kbd_irq: 0x22 G: int 10h ax=13h; 0x14 T: int 10h ax=3h, cursor off; 0x2f V: VBE regs 1..4 =
 *            1000, 600, 32, 0x41; any other make code: fill b800:0 with 2000 cells (al, attribute 0x1f)
 */
const CODE =
  '+jHAjtiOwI7QvAB8xwb+DwAAxwYkAKt8xwYmAAAAxwbQAZt8xwbSAQAAsPnmIbDv5qHoTwDoRQCwqOZk6D4AsCDmZORkqAF0+uRgDAIk34jD6CkAsGDmZOgiAIjY5mC+' +
  'S32shMB0EojD6BEAsNTmZOgKAIjY5mDr6fv06/zkZKgCdfrDutQDuAog78OLHv4P0eOJhwAQ/wb+D8Ng5GC0Aujp/7Ag5qDmIGHPYAbkYLQB6Nj/PCJ0MTwUdDk8L3RE' +
  'qIB1dIA+Sn0TdBC7ALiOwzH/tB+50Afzq+tduwCgjsMx/7kA+vOq60/GBkp9E7gTAM0Q60PGBkp9A7gDAM0Q6IL/6zTGBkp9vrrOAbgEAO9CMcDvuwEAuegD6CIAuwIA' +
  'uVgC6BkAuwMAuSAA6BAAuwQAuUEA6AcAsCDmIAdhz7rOAYnY70KJyO/DA/PI82TzUPQ=';

export function echoGuestImage(): Buffer {
  const sector = Buffer.alloc(512);
  Buffer.from(CODE, 'base64').copy(sector);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

const LOG_LENGTH_AT = 0x0ffe;
const MAX_LOG = 512;

export interface LoggedByte {
  from: 'keyboard' | 'mouse';
  byte: number;
}

export interface QemuUnderTest {
  vncSocket: string;
  qmp: QmpClient;
  process: ChildProcess;
  /** Everything the echo guest has logged so far. */
  guestLog(): Promise<LoggedByte[]>;
  stop(): Promise<void>;
}

/**
 * QEMU as the QEMU engine runs it for display (VGA, VNC on a unix socket, TCG), with the echo guest as its
 * disk or, with `guest: false`, no disk at all (SeaBIOS says so on a text screen). `display` binds VNC to
 * the VGA device by id, as `-vga std` cannot.
 */
export async function startQemu(dir: string, options: { guest?: boolean; display?: boolean; extra?: string[] } = {}): Promise<QemuUnderTest> {
  const vncSocket = path.join(dir, 'vnc.sock');
  const qmpSocket = path.join(dir, 'qmp.sock');
  const disk = path.join(dir, 'echo-guest.img');
  writeFileSync(disk, echoGuestImage());
  const vga = options.display ? ['-device', 'VGA,id=video0'] : ['-vga', 'std'];
  const args = [
    ...['-accel', 'tcg', '-machine', 'pc', '-m', '64', '-nodefaults', '-display', 'none', ...vga],
    ...['-vnc', `unix:${vncSocket}${options.display ? ',display=video0' : ''}`, '-qmp', `unix:${qmpSocket},server=on,wait=off`],
    ...(options.guest === false ? [] : ['-drive', `file=${disk},format=raw,if=ide`]),
    ...(options.extra ?? []),
  ];
  const child = spawn(QEMU_SYSTEM, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const qmp = await QmpClient.connect(qmpSocket, alive).catch((e: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${e.message}; QEMU said: ${stderr.trim()}`);
  });
  const logFile = path.join(dir, 'guest-log.bin');
  return {
    vncSocket,
    qmp,
    process: child,
    guestLog: async () => {
      await qmp.execute('pmemsave', { val: LOG_LENGTH_AT, size: 2 + 2 * MAX_LOG, filename: logFile });
      return parseLog(readFileSync(logFile));
    },
    stop: async () => {
      qmp.close();
      if (!alive()) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Waits until the echo guest has set up its interrupts and the mouse (the mouse's seven ACKs are in its
 * log); returns how many bytes the log holds then.
 */
export async function echoGuestReady(q: QemuUnderTest, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const logged = (await q.guestLog()).length;
    if (logged >= 7) return logged;
    if (Date.now() > until) throw new Error(`the echo guest did not start within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function parseLog(memory: Buffer): LoggedByte[] {
  const n = Math.min(memory.readUInt16LE(0), MAX_LOG);
  return Array.from({ length: n }, (_, i) => ({ from: memory[3 + 2 * i] === 2 ? 'mouse' : 'keyboard', byte: memory[2 + 2 * i]! }));
}
