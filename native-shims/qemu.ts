import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Where the accelerated engine's `qemu-system-x86_64` is: a path the user set (KASO_QEMU, or the host's
 * preference), then PATH, then the places QEMU installs itself on each platform.
 */
export type QemuLookup = { found: true; binary: string; version: string; source: string } | { found: false; message: string };

const EXE = process.platform === 'win32' ? 'qemu-system-x86_64.exe' : 'qemu-system-x86_64';
const INSTALL_DIRS: Record<string, string[]> = {
  linux: ['/usr/bin', '/usr/local/bin', '/usr/libexec'],
  darwin: ['/opt/homebrew/bin', '/usr/local/bin', '/opt/local/bin'],
  win32: ['C:\\Program Files\\qemu'],
};

/** The command that installs QEMU here, for the message a user sees when it is missing. */
export function qemuInstallHint(): string {
  if (process.platform === 'darwin') return 'install it with Homebrew: brew install qemu';
  if (process.platform === 'win32') return 'install QEMU for Windows: winget install SoftwareFreedomConservancy.QEMU';
  return 'install it: sudo apt install qemu-system-x86 (Debian, Ubuntu), sudo dnf install qemu-system-x86 (Fedora), sudo pacman -S qemu-system-x86 (Arch)';
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function candidates(preferred: string | null): { file: string; source: string }[] {
  const list: { file: string; source: string }[] = [];
  if (process.env.KASO_QEMU) list.push({ file: process.env.KASO_QEMU, source: 'KASO_QEMU' });
  if (preferred) list.push({ file: preferred, source: 'preferences' });
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) list.push({ file: path.join(dir, EXE), source: 'PATH' });
  for (const dir of INSTALL_DIRS[process.platform] ?? []) list.push({ file: path.join(dir, EXE), source: 'QEMU install' });
  return list;
}

const versions = new Map<string, Promise<string>>();

/** Finds QEMU and asks it its version (remembered per binary: it does not change while we run). */
export function findQemu(preferred: string | null = null): Promise<QemuLookup> {
  const explicit = process.env.KASO_QEMU ?? preferred;
  for (const c of candidates(preferred)) {
    if (!executable(c.file)) {
      if (c.file === explicit) return Promise.resolve({ found: false, message: `${c.source} names ${c.file}, which is not an executable file` });
      continue;
    }
    let version = versions.get(c.file);
    if (!version) {
      version = versionOf(c.file);
      versions.set(c.file, version);
    }
    return version.then(
      (v): QemuLookup => ({ found: true, binary: c.file, version: v, source: c.source }),
      (e: Error): QemuLookup => ({ found: false, message: `${c.file} does not run: ${e.message}` }),
    );
  }
  return Promise.resolve({ found: false, message: `QEMU (${EXE}) was not found: ${qemuInstallHint()}; or set its path in KASO_QEMU` });
}

async function versionOf(binary: string): Promise<string> {
  const { stdout } = await promisify(execFile)(binary, ['--version'], { timeout: 10_000 });
  const m = /version (\d+\.\d+(?:\.\d+)?)/.exec(stdout);
  if (!m) throw new Error(`unexpected --version output: ${stdout.split('\n')[0]}`);
  return m[1]!;
}
