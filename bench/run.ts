/**
 * `npm run bench [-- GROUP...] [--reps N]`: Kaso against peers measured in the same run, as ratios of
 * medians. Groups: convert (vs qemu-img convert), io (dynamic disk and differencing chain vs plain file I/O),
 * create (library create times, with qemu-img create beside them), vm (the embedded engine against bare v86:
 * boot, idle CPU, memory, graphics stream), snapshots (take and revert times, the guest's pause, reads
 * through a 32-snapshot chain), vm-graphics (the graphics stream alone), net (guest-to-guest TCP and ping
 * through netd against a bare wire), vnc (QEMU's screen through RfbClient vs QMP screendump), qemu (the
 * QEMU engine: guest disk reads over NBD vs a raw file, boot vs QEMU by hand, guest CPU vs the host), nbd
 * (qemu-img reading a dynamic VHD through Kaso's NBD server vs the raw file, and vs qemu-nbd). Default: all
 * but vm-graphics.
 *
 * Prints a table and writes a JSON summary to /tmp/kaso-bench-latest.json. The exit code says whether the
 * benchmarks ran, not whether targets were met: a shared machine is too noisy to gate on.
 */
import os from 'node:os';
import { benchConvert } from './convert.js';
import { benchCreate } from './create.js';
import { benchIo } from './io.js';
import { benchNbd } from './nbd.js';
import { benchNet } from './net.js';
import { benchQemu } from './qemu.js';
import { benchSnapshots } from './snapshots.js';
import { benchVm, benchVmGraphics } from './vm.js';
import { benchVnc } from './vnc.js';
import { QEMU_IMG, log, makeWorkDir, qemuAvailable, removeDir, runQuiet, stopChildren, type BenchContext } from './common.js';
import { printTable, writeJson, type Row } from './report.js';

const GROUPS = {
  convert: benchConvert,
  io: benchIo,
  create: benchCreate,
  vm: benchVm,
  snapshots: benchSnapshots,
  'vm-graphics': benchVmGraphics,
  net: benchNet,
  vnc: benchVnc,
  qemu: benchQemu,
  nbd: benchNbd,
} satisfies Record<string, (ctx: BenchContext) => Promise<Row[]>>;
type Group = keyof typeof GROUPS;

const JSON_OUT = '/tmp/kaso-bench-latest.json';
class UsageError extends Error {}

const USAGE = `usage: npm run bench -- [${Object.keys(GROUPS).join('|')}]... [--reps N]   (default: every group, 5 reps)`;

function parseArgs(argv: string[]): { groups: Group[]; reps: number } {
  const groups: Group[] = [];
  let reps = 5;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (a === '--reps' || a.startsWith('--reps=')) {
      reps = Number(a.includes('=') ? a.slice('--reps='.length) : argv[++i]);
      if (!Number.isInteger(reps) || reps < 1) throw new UsageError(`--reps needs a positive whole number\n${USAGE}`);
    } else if (a in GROUPS) {
      if (!groups.includes(a as Group)) groups.push(a as Group);
    } else throw new UsageError(`unknown benchmark "${a}"\n${USAGE}`);
  }
  return { groups: groups.length > 0 ? groups : (Object.keys(GROUPS) as Group[]).filter((g) => g !== 'vm-graphics'), reps };
}

async function main(): Promise<void> {
  const { groups, reps } = parseArgs(process.argv.slice(2));
  const qemu = qemuAvailable();
  const dir = makeWorkDir();
  const cleanup = () => removeDir(dir);
  process.once('SIGINT', () => {
    stopChildren();
    cleanup();
    process.exit(130);
  });
  const started = new Date();
  log(`groups: ${groups.join(', ')}; ${reps} timed runs per side; work folder ${dir}`);
  if (!qemu) log(`${QEMU_IMG} not found: the qemu-img comparisons are skipped`);
  const rows: Row[] = [];
  try {
    for (const g of groups) {
      const t = Date.now();
      rows.push(...(await GROUPS[g]({ dir, reps, qemu })));
      log(`${g}: done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    }
  } finally {
    cleanup();
  }
  process.stdout.write('\n');
  printTable(rows);
  writeJson(
    JSON_OUT,
    {
      started: started.toISOString(),
      seconds: Math.round((Date.now() - started.getTime()) / 1000),
      groups,
      reps,
      host: {
        cpus: os.cpus().length,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
        qemuImg: qemu ? runQuiet(QEMU_IMG, ['--version']).split('\n')[0] : null,
      },
    },
    rows,
  );
  process.stdout.write(`\nJSON summary: ${JSON_OUT}\n`);
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) {
    process.stderr.write(`bench: ${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
