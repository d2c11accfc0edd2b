// Boots the test guest in v86 the way a minimal hand-written v86 program does: no Kaso code in the boot, just
// the npm package, Debian's SeaBIOS and the guest's files. It is the peer the boot-time benchmark measures
// against, so it stays plain.
//
//   node dist/test/guest/boot-bare-v86.js iso|disk|kernel
//
// Prints one JSON line {mode, msToPrompt, ...}: milliseconds from creating the emulator to the shell prompt on
// the first serial port. Then runs `echo hello-$((6*7))` and checks the guest answers hello-42. Exit 0 when it
// did, 1 otherwise (with the end of the serial output on stderr).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { V86, type V86Options } from 'v86';
import { testGuest, testGuestMissing } from '../helpers/guest.js';

const PROMPT = 'kaso-guest# ';
const TIMEOUT_MS = Number(process.env.KASO_BOOT_TIMEOUT_MS ?? 180_000);

const mode = process.argv[2];
if (mode !== 'iso' && mode !== 'disk' && mode !== 'kernel') {
  process.stderr.write('usage: boot-bare-v86 iso|disk|kernel\n');
  process.exit(2);
}

const guest = await testGuest();
if (!guest) {
  process.stderr.write(`boot-bare-v86: no test guest: ${testGuestMissing()}\n`);
  process.exit(3);
}

/** A file as the ArrayBuffer v86 wants (a Buffer's .buffer may be a larger shared pool). */
function load(file: string): ArrayBuffer {
  const bytes = readFileSync(file);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

const v86Dir = path.dirname(createRequire(import.meta.url).resolve('v86'));
const options: V86Options = {
  wasm_path: path.join(v86Dir, 'v86.wasm'),
  bios: { buffer: load('/usr/share/seabios/bios.bin') },
  vga_bios: { buffer: load('/usr/share/seabios/vgabios-stdvga.bin') },
  memory_size: 128 * 1024 * 1024, // must exceed 64 MiB + the initrd: v86 puts the initrd at 64 MiB
  uart1: true,
  autostart: true,
};
if (mode === 'iso') options.cdrom = { buffer: load(guest.iso) };
if (mode === 'disk') options.hda = { buffer: load(guest.rawImage) };
if (mode === 'kernel') {
  options.bzimage = { buffer: load(guest.kernel) };
  options.initrd = { buffer: load(guest.initrd) };
  options.cmdline = guest.cmdline;
}

const started = performance.now();
const emulator = new V86(options);

let serial = '';
let com2 = '';
let waiter: { text: string; from: number; resolve: () => void } | undefined;
emulator.add_listener('serial0-output-byte', (byte) => {
  serial += String.fromCharCode(byte);
  if (waiter && serial.includes(waiter.text, waiter.from)) {
    waiter.resolve();
    waiter = undefined;
  }
});
emulator.add_listener('serial1-output-byte', (byte) => {
  com2 += String.fromCharCode(byte);
});

/** Resolves when `text` shows up on the serial port after offset `from`. */
function waitFor(text: string, from: number): Promise<void> {
  if (serial.includes(text, from)) return Promise.resolve();
  return new Promise((resolve) => (waiter = { text, from, resolve }));
}

async function fail(why: string): Promise<never> {
  process.stderr.write(`boot-bare-v86 (${mode}): ${why}\n--- last serial output ---\n${serial.slice(-3000)}\n`);
  await emulator.destroy();
  process.exit(1);
}

const timer = setTimeout(() => void fail(`timed out after ${TIMEOUT_MS} ms`), TIMEOUT_MS);

await waitFor(PROMPT, 0);
const msToPrompt = Math.round(performance.now() - started);
process.stderr.write('PROMPT\n'); // the moment, for a benchmark timing this whole process from its start

const asked = serial.length;
emulator.serial0_send('echo hello-$((6*7))\n');
await waitFor('hello-42', asked);
const msToAnswer = Math.round(performance.now() - started - msToPrompt);
clearTimeout(timer);

// KASO_IDLE_SECONDS=N: stay N seconds at the idle prompt and say how much CPU that cost (a benchmark's peer).
const idleSeconds = Number(process.env.KASO_IDLE_SECONDS ?? 0);
let idle: { idleCpuPercent: number; rssMiB: number } | Record<string, never> = {};
if (idleSeconds > 0) {
  await new Promise((r) => setTimeout(r, Number(process.env.KASO_IDLE_SETTLE_SECONDS ?? 0) * 1000)); // let the boot's tail finish
  const before = process.cpuUsage();
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const used = process.cpuUsage(before);
  idle = { idleCpuPercent: (100 * (used.user + used.system)) / (idleSeconds * 1e6), rssMiB: process.memoryUsage().rss / 1048576 };
}

process.stdout.write(
  `${JSON.stringify({ mode, msToPrompt, msToAnswer, ready: serial.includes('KASO-GUEST-READY'), com2: com2.includes('KASO-COM2'), ...idle })}\n`,
);
await emulator.destroy();
process.exit(0);
