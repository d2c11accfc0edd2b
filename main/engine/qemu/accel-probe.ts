import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, promises as fs, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { QemuAccel } from '../protocol.js';

/** Which accelerator runs guests here, and why that one (shown in the VM's status). */
export interface AccelChoice {
  accel: QemuAccel;
  /** Why, in a few words: "KVM", or "TCG: KVM failed a test boot (KVM internal error ...)". */
  reason: string;
}

const PROBE_TIMEOUT_MS = 60_000;
/** Lines only a kernel that ran its whole start-up prints (it finds no root file system and gives up). */
const KERNEL_DONE = /VFS: Unable to mount root|Run \/init as init process|Kernel panic - not syncing/;
/** SeaBIOS got as far as looking for something to boot. */
const FIRMWARE_DONE = /Booting from|No bootable device/;

function platformAccel(): { accel: QemuAccel; name: string; usable: () => string | null } | null {
  if (process.platform === 'linux')
    return { accel: 'kvm', name: 'KVM', usable: () => (canOpen('/dev/kvm') ? null : existsSync('/dev/kvm') ? 'no permission to open /dev/kvm (join the kvm group)' : 'no /dev/kvm (hardware virtualization off, or the kvm module not loaded)') };
  if (process.platform === 'darwin') return { accel: 'hvf', name: 'HVF', usable: () => null };
  if (process.platform === 'win32') return { accel: 'whpx', name: 'WHPX', usable: () => null };
  return null;
}

function canOpen(file: string): boolean {
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A kernel to test-boot: one named by KASO_PROBE_KERNEL, else this host's own (Linux keeps it in /boot). */
export function probeKernel(): string | null {
  if (process.env.KASO_PROBE_KERNEL) return process.env.KASO_PROBE_KERNEL;
  if (process.platform !== 'linux') return null;
  const own = `/boot/vmlinuz-${os.release()}`;
  if (canRead(own)) return own;
  try {
    const any = readdirSync('/boot').filter((f) => f.startsWith('vmlinuz')).map((f) => path.join('/boot', f)).filter(canRead);
    return any.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0] ?? null;
  } catch {
    return null;
  }
}

function canRead(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The best accelerator that really runs a guest. A `/dev/kvm` can exist and still fail on real kernels
 * (nested or software virtualization), so the accelerator must boot a kernel (through its whole start-up,
 * with the CPU model Kaso uses) before Kaso trusts it; without a kernel at hand, the firmware must boot.
 * Otherwise TCG, with the reason. Answers are kept in `cacheFile` per QEMU, kernel and host.
 */
export async function chooseAccel(binary: string, version: string, cacheFile: string | null, kernelToTry = probeKernel()): Promise<AccelChoice> {
  const hw = platformAccel();
  if (!hw) return { accel: 'tcg', reason: `TCG (no hardware accelerator on ${process.platform})` };
  if (process.env.KASO_ACCEL === 'tcg') return { accel: 'tcg', reason: 'TCG (KASO_ACCEL=tcg)' };
  const unusable = hw.usable();
  if (unusable) return { accel: 'tcg', reason: `TCG: ${hw.name} is not available (${unusable})` };
  const kernel = kernelToTry;
  const key = JSON.stringify([binary, version, hw.accel, kernel, kernel && statSync(kernel).mtimeMs, os.release()]);
  const cached = cacheFile ? await readCache(cacheFile, key) : null;
  if (cached) return cached;
  const failure = await testBoot(binary, hw.accel, kernel);
  const how = kernel ? `a test boot of ${path.basename(kernel)}` : 'a firmware test boot';
  const choice: AccelChoice = failure ? { accel: 'tcg', reason: `TCG: ${hw.name} failed ${how} (${failure})` } : { accel: hw.accel, reason: kernel ? hw.name : `${hw.name} (checked with the firmware only)` };
  if (cacheFile) await writeCache(cacheFile, key, choice);
  return choice;
}

/** Boots the kernel (or the firmware) under `accel`; null when it got through, else what went wrong. */
export function testBoot(binary: string, accel: QemuAccel, kernel: string | null): Promise<string | null> {
  const args = ['-machine', `pc,accel=${accel}`, '-cpu', accel === 'tcg' ? 'qemu64' : 'host', '-m', '256M', '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot'];
  if (kernel) args.push('-kernel', kernel, '-append', 'console=ttyS0 panic=-1 root=/dev/kaso-none', '-serial', 'stdio');
  else args.push('-chardev', 'stdio,id=dbg', '-device', 'isa-debugcon,iobase=0x402,chardev=dbg');
  const done = kernel ? KERNEL_DONE : FIRMWARE_DONE;
  return new Promise((resolve) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const finish = (result: string | null) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(result);
    };
    const timer = setTimeout(() => finish(`no progress in ${PROBE_TIMEOUT_MS / 1000} s`), PROBE_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => {
      out = (out + d.toString('latin1')).slice(-65536);
      if (done.test(out)) finish(null);
    });
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4096);
      // QEMU stops the guest and waits after a KVM internal error: there is nothing more to wait for.
      const internal = /KVM internal error[^\n]*/.exec(err);
      if (internal) finish(internal[0]);
    });
    child.on('error', (e) => finish(e.message));
    child.on('exit', (code, signal) => finish(firstLine(err) || `QEMU exited (${signal ?? `code ${code}`}) before the ${kernel ? 'kernel' : 'firmware'} finished starting`));
  });
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0)?.slice(0, 200) ?? '';
}

async function readCache(file: string, key: string): Promise<AccelChoice | null> {
  try {
    const all = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, AccelChoice>;
    return all[key] ?? null;
  } catch {
    return null;
  }
}

async function writeCache(file: string, key: string, choice: AccelChoice): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  // One entry: a new QEMU or kernel makes the old answer meaningless.
  await fs.writeFile(file, JSON.stringify({ [key]: choice }, null, 2));
}
