/**
 * QEMU reading a dynamic VHD through Kaso's NBD server (the QEMU engine's disk path) against QEMU reading the
 * same bytes from a raw file directly, both with the files in the page cache: qemu-img convert of the whole
 * disk, and qemu-img bench sequential 64 KiB and 1 MiB reads and scattered 4 KiB reads (a large odd stride,
 * which qemu-img bench wraps around the disk: the same pseudo-random offsets on both sides).
 *
 * Extra lines put QEMU's own NBD server (qemu-nbd, serving the same VHD with its vpc driver) in Kaso's place:
 * what any NBD server costs on this machine, against what Kaso's costs. A diagnostic line serves the raw file
 * through Kaso's server with a bare callback fs.read device instead of the VHD library: the difference between
 * it and the main line is what the library's read path costs, the rest is the server and the protocol.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, read as readFd, promises as fs } from 'node:fs';
import path from 'node:path';
import { createDynamic, openDisk, type BlockDevice, type Disk } from '../main/disk/index.js';
import { NbdServer } from '../main/disk/nbd/nbd-server.js';
import { GiB, KiB, MiB, QEMU_IMG, alternate, log, randomBytes, timeSpawn, type BenchContext } from './common.js';
import { ratioRow, side, type Row } from './report.js';

const DATA = 2 * GiB;
const BLOCK = 2 * MiB;
/** 4 KiB x an odd number: qemu-img bench's offsets hop around the whole disk. */
const SCATTER_STEP = 4 * KiB * 40503;
const QEMU_NBD = '/usr/bin/qemu-nbd';

interface Workload {
  name: string;
  /** Requests and bytes per run, for ops/s and MiB/s. */
  ops: number;
  bytes: number;
  args: (source: string) => string[];
}

/**
 * qemu-img bench wraps its offsets around the end of the disk, and a request that then straddles the end
 * fails: sequential runs make one pass (the disk's size, rounded to its CHS geometry, is no multiple of
 * the request size). Scattered 4 KiB offsets stay 4 KiB-aligned and the size is a multiple of 4 KiB.
 */
function benchRun(name: string, count: number, depth: number, size: number, step = size): Workload {
  return {
    name,
    ops: count,
    bytes: count * size,
    args: (source) => ['bench', '-f', 'raw', '-c', String(count), '-d', String(depth), '-s', String(size), '-S', String(step), source],
  };
}

function workloads(diskSize: number): Workload[] {
  const onePass = (request: number) => Math.floor(diskSize / request);
  return [
    {
      name: 'qemu-img convert, whole disk (8 coroutines)',
      ops: Math.ceil(diskSize / BLOCK),
      bytes: diskSize,
      // The output is QEMU's null driver: only the reading is timed.
      args: (source) => ['convert', '-n', '-f', 'raw', source, '--target-image-opts', `driver=null-co,size=${diskSize}`],
    },
    benchRun('sequential 64 KiB reads, QD8', onePass(64 * KiB), 8, 64 * KiB),
    benchRun('sequential 1 MiB reads, QD8', onePass(MiB), 8, MiB),
    benchRun('scattered 4 KiB reads, QD1', 20_000, 1, 4 * KiB, SCATTER_STEP),
    benchRun('scattered 4 KiB reads, QD8', 50_000, 8, 4 * KiB, SCATTER_STEP),
  ];
}

export async function benchNbd(ctx: BenchContext): Promise<Row[]> {
  if (!ctx.qemu) {
    log('nbd: qemu-img not found: nothing to compare against');
    return [];
  }
  const { vhd, raw } = await makeImages(ctx.dir);
  const disk = await openDisk(vhd);
  const server = new NbdServer();
  server.on('warning', (m) => log(`nbd: ${m}`));
  server.addExport('disk0', disk);
  const rawHandle = await fs.open(raw, 'r');
  server.addExport('bare', bareFileDevice(rawHandle.fd, disk.size));
  const kasoSocket = path.join(ctx.dir, 'kaso-nbd.sock');
  await server.listen(kasoSocket);
  const qemuNbd = await startQemuNbd(vhd, path.join(ctx.dir, 'qemu-nbd.sock'));
  try {
    const sources = { kaso: nbdUrl(kasoSocket), raw, qemuNbd: qemuNbd?.url ?? null, bare: nbdUrl(kasoSocket, 'bare') };
    const rows: Row[] = [];
    for (const w of workloads(disk.size)) rows.push(...(await measure(ctx, w, sources)));
    return rows;
  } finally {
    qemuNbd?.child.kill('SIGTERM');
    await server.close();
    await disk.close();
    await rawHandle.close();
    await fs.rm(vhd, { force: true });
    await fs.rm(raw, { force: true });
  }
}

interface Sources {
  kaso: string;
  raw: string;
  qemuNbd: string | null;
  bare: string;
}

async function measure(ctx: BenchContext, w: Workload, sources: Sources): Promise<Row[]> {
  log(`nbd: ${w.name}`);
  const run = (source: string) => () => timeSpawn(QEMU_IMG, w.args(source));
  const contenders: Record<string, () => Promise<number>> = { kaso: run(sources.kaso), raw: run(sources.raw), bare: run(sources.bare) };
  if (sources.qemuNbd) contenders.qemuNbd = run(sources.qemuNbd);
  // Untimed warm-up: page cache, the library's block maps, the JIT.
  for (const c of Object.values(contenders)) await c();
  const samples = await alternate(ctx.reps, contenders);
  const work = { ops: w.ops, bytes: w.bytes };
  const kaso = side('qemu via Kaso NBD (dynamic VHD)', samples.kaso!, work);
  // Informational: the 0.8 target is on the guest's disk throughput (`npm run bench -- qemu`); here
  // qemu-img copies from the page cache at memory speed, which no socket protocol approaches (nor qemu-nbd).
  const rows = [ratioRow('nbd', `NBD: ${w.name}`, kaso, side('qemu on the raw file', samples.raw!, work), null)];
  if (samples.qemuNbd)
    rows.push(ratioRow('nbd', `NBD: ${w.name} (Kaso's server vs qemu-nbd)`, kaso, side('qemu via qemu-nbd (same VHD)', samples.qemuNbd, work), null));
  const bare = side('Kaso NBD, bare fs.read device', samples.bare!, work);
  rows.push(ratioRow('nbd', `NBD: ${w.name} (diagnostic: VHD library vs a bare fs.read device)`, kaso, bare, null));
  return rows;
}

function nbdUrl(socket: string, exportName = 'disk0'): string {
  return `nbd+unix:///${exportName}?socket=${socket}`;
}

/** The raw file behind a minimal read-only BlockDevice: callback fs.read, no VHD library, no locking. */
function bareFileDevice(fd: number, size: number): BlockDevice {
  return {
    size,
    readOnly: true,
    read: (buffer, offset) =>
      new Promise((resolve, reject) =>
        readFd(fd, buffer, 0, buffer.length, offset, (e, n) => (e ? reject(e) : n === buffer.length ? resolve() : reject(new Error('short read')))),
      ),
    write: () => Promise.reject(new Error('read-only')),
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
    mayHoldData: () => true,
  };
}

/** A dynamic VHD whose every block holds random data, and a raw file with the same bytes. */
async function makeImages(dir: string): Promise<{ vhd: string; raw: string }> {
  const vhd = path.join(dir, 'nbd-source.vhd');
  const raw = path.join(dir, 'nbd-source.img');
  log(`nbd: writing a ${DATA / GiB} GiB dynamic VHD full of data, and the same bytes as a raw file`);
  await createDynamic(vhd, DATA);
  const disk: Disk = await openDisk(vhd, { writable: true });
  const fh = await fs.open(raw, 'wx');
  try {
    for (let at = 0; at < disk.size; at += BLOCK) {
      const data = randomBytes(Math.min(BLOCK, disk.size - at));
      await disk.write(data, at);
      await fh.write(data, 0, data.length, at);
    }
  } finally {
    await disk.close();
    await fh.close();
  }
  return { vhd, raw };
}

/** qemu-nbd serving the VHD read-only; null (and the extra lines skipped) when it is not installed. */
async function startQemuNbd(vhd: string, socket: string): Promise<{ child: ChildProcess; url: string } | null> {
  if (!existsSync(QEMU_NBD)) {
    log('nbd: qemu-nbd not found: the comparison with QEMU\'s own server is skipped');
    return null;
  }
  const child = spawn(QEMU_NBD, ['-r', '-f', 'vpc', '-x', 'disk0', '--persistent', '--shared=8', '-k', socket, vhd], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(socket)) {
    child.kill('SIGTERM');
    log('nbd: qemu-nbd did not start: the comparison with QEMU\'s own server is skipped');
    return null;
  }
  return { child, url: nbdUrl(socket) };
}
