import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The test guest's files (test/guest/build-guest.sh writes them, with this manifest, into the cache). They are
 * shared by every test and every run: never write to them. A test that needs a writable disk copies the raw
 * image or puts a differencing disk on top of the VHD.
 */
export interface TestGuest {
  /** The guest's architecture: i386 for v86, amd64 for QEMU. */
  arch: GuestArch;
  /** bzImage for direct kernel boot. */
  kernel: string;
  /** gzip'd cpio initramfs for direct kernel boot. */
  initrd: string;
  /** The kernel command line the boot loaders use (and direct kernel boot should). */
  cmdline: string;
  /** Bootable CD image (isolinux). */
  iso: string;
  /** The raw disk as a dynamic VHD, written by `kaso disk convert`. */
  vhd: string;
  /** Bootable raw disk: MBR and one FAT16 partition with syslinux, the kernel and the initramfs. */
  rawImage: string;
  /** Debian package name -> exact version whose bits are in the guest. */
  packages: Record<string, string>;
  /** When it was built (ISO 8601). */
  built: string;
  /** Where the manifest is: the folder holds all of the above. */
  manifest: string;
}

/** The repository: two folders up from test/helpers, three from its compiled copy in dist/test/helpers. */
const repoRoot = (() => {
  const up2 = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  return path.basename(up2) === 'dist' ? path.dirname(up2) : up2;
})();

export const buildGuestScript = path.join(repoRoot, 'test', 'guest', 'build-guest.sh');

/** i386: Debian's 686 kernel, for v86. amd64: Debian's amd64 kernel, for QEMU. */
export type GuestArch = 'i386' | 'amd64';

const pending = new Map<GuestArch, Promise<TestGuest | null>>();
const missing = new Map<GuestArch, string>();

/**
 * The test guest for an architecture, built from Debian packages on first use (a minute or two; then cached
 * and instant), or null when it cannot be built on this machine: testGuestMissing(arch) then says why in one
 * line. A build that fails for any other reason throws, so a broken builder fails the tests instead of
 * skipping them.
 */
export function testGuest(arch: GuestArch = 'i386'): Promise<TestGuest | null> {
  let guest = pending.get(arch);
  if (!guest) {
    guest = locate(arch);
    pending.set(arch, guest);
  }
  return guest;
}

/** Why testGuest(arch) gave null (one line), or null when it gave a guest or has not been asked yet. */
export function testGuestMissing(arch: GuestArch = 'i386'): string | null {
  return missing.get(arch) ?? null;
}

async function locate(arch: GuestArch): Promise<TestGuest | null> {
  const none = (reason: string): null => {
    missing.set(arch, reason);
    return null;
  };
  if (process.env.KASO_NO_GUEST) return none('KASO_NO_GUEST is set');
  if (process.platform !== 'linux') return none(`the test guest is built on Debian Linux (this is ${process.platform})`);
  const { code, stdout, stderr } = await runBuilder(arch);
  const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
  if (code === 3) return none(lastLine(stderr));
  if (code !== 0) {
    throw new Error(`${buildGuestScript} failed (exit ${code}):\n${stderr.trim().split('\n').slice(-15).join('\n')}`);
  }
  const manifest = lastLine(stdout);
  // i386 manifests carry no arch (they predate the others).
  const fields = JSON.parse(readFileSync(manifest, 'utf8'));
  const guest = { arch: 'i386', ...fields, manifest } as TestGuest;
  if (guest.arch !== arch) throw new Error(`${manifest} is for ${guest.arch}, not ${arch}`);
  for (const file of [guest.kernel, guest.initrd, guest.iso, guest.vhd, guest.rawImage]) {
    if (!existsSync(file)) throw new Error(`${manifest} names ${file}, which is missing`);
  }
  return guest;
}

function runBuilder(arch: GuestArch): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('bash', [buildGuestScript, arch], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ code: 3, stdout: '', stderr: `cannot run ${buildGuestScript}: ${String(error)}` });
      return;
    }
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    // The first build takes a while: show its progress as it goes.
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', (error) => resolve({ code: 3, stdout, stderr: `${stderr}cannot run bash: ${error.message}` }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
