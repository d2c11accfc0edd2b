/**
 * Creating a 2040 GiB dynamic disk, and a differencing child of it: the library calls, timed in-process
 * (the limit: under 50 ms each). Beside them, spawned commands as a user runs them: `qemu-img create`
 * and `kaso disk create`, and the floor any durable create of the same file pays on this machine (write the
 * same bytes with plain fs calls, fdatasync, link into place, fsync the folder).
 *
 * qemu-img cannot create a VHD differencing disk; its nearest equivalent (a qcow2 child with the VHD as
 * backing file, which also opens the parent) stands in as the peer of createDifferencing.
 */
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { createDifferencing, createDynamic } from '../main/disk/index.js';
import { GiB, QEMU_IMG, alternate, kasoArgs, log, msSince, now, syncAll, timeSpawn, type BenchContext } from './common.js';
import { limitRow, ratioRow, side, type Row } from './report.js';

const SIZE = 2040 * GiB;
const LIMIT_MS = 50;

export async function benchCreate(ctx: BenchContext): Promise<Row[]> {
  const dir = ctx.dir;
  const out = (name: string) => path.join(dir, name);
  const parent = out('parent-2040g.vhd');
  await createDynamic(parent, SIZE);
  const fileBytes = statSync(parent).size;
  const sameBytes = new Uint8Array(fileBytes).fill(0xff);

  /** Times `make(file)` and removes the file afterwards (untimed). */
  const timed = (file: string, make: (file: string) => Promise<unknown>) => async () => {
    const t = now();
    await make(file);
    const ms = msSince(t);
    await fs.rm(file, { force: true });
    return ms;
  };
  const spawned = (file: string, argv: (file: string) => [string, string[]]) => async () => {
    const [cmd, args] = argv(file);
    const ms = await timeSpawn(cmd, args);
    await fs.rm(file, { force: true });
    return ms;
  };
  const floor = async (file: string) => {
    const partial = `${file}.partial`;
    const h = await fs.open(partial, 'wx');
    await h.write(sameBytes, 0, sameBytes.length, 0);
    await h.datasync();
    await h.close();
    await fs.link(partial, file);
    await fs.rm(partial);
    const d = await fs.open(dir, 'r');
    await d.sync();
    await d.close();
  };

  type Runs = Record<string, () => Promise<number>>;
  const dynamic: Runs = {
    library: timed(out('lib.vhd'), (f) => createDynamic(f, SIZE)),
    cli: spawned(out('cli.vhd'), (f) => kasoArgs('disk', 'create', f, '--type', 'dynamic', '--size', '2040G')),
    floor: timed(out('floor.vhd'), floor),
    ...(ctx.qemu ? { qemu: spawned(out('qemu.vhd'), (f) => [QEMU_IMG, ['create', '-q', '-f', 'vpc', f, '2040G']]) } : {}),
  };
  const differencing: Runs = {
    library: timed(out('lib-child.vhd'), (f) => createDifferencing(f, parent)),
    cli: spawned(out('cli-child.vhd'), (f) => kasoArgs('disk', 'create', f, '--type', 'differencing', '--parent', parent)),
    ...(ctx.qemu
      ? { qemu: spawned(out('qemu-child.qcow2'), (f) => [QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', parent, '-F', 'vpc', f]]) }
      : {}),
  };

  const reps = Math.max(ctx.reps, 5);
  log(`create: dynamic ${SIZE / GiB} GiB: warm-up, then ${reps} runs of each, alternating`);
  for (const run of Object.values(dynamic)) await run();
  const d = await alternate(reps, dynamic, () => void syncAll());
  log(`create: differencing child of the ${SIZE / GiB} GiB disk: warm-up, then ${reps} runs of each, alternating`);
  for (const run of Object.values(differencing)) await run();
  const c = await alternate(reps, differencing, () => void syncAll());
  await fs.rm(parent, { force: true });

  const qemuDyn = d.qemu ? side('qemu-img create -f vpc (spawned)', d.qemu) : null;
  const qemuChild = c.qemu ? side('qemu-img create -f qcow2 -b (spawned)', c.qemu) : null;
  const mb = (fileBytes / 2 ** 20).toFixed(1);
  const rows: Row[] = [
    limitRow('create', `dynamic ${SIZE / GiB} GiB: createDynamic (library)`, side('library', d.library!), qemuDyn, LIMIT_MS,
      `the file is ${mb} MiB (mostly the block table); ratio = spawned qemu-img / in-process library call`),
    limitRow('create', `differencing child of the ${SIZE / GiB} GiB disk: createDifferencing (library)`, side('library', c.library!), qemuChild, LIMIT_MS,
      'qemu-img cannot create VHD differencing disks: its peer is a qcow2 child with the VHD as backing file'),
    ratioRow('create', `dynamic ${SIZE / GiB} GiB: fs floor (same bytes, fdatasync, link, dir fsync) vs library`,
      side('library', d.library!), side('plain fs, same durability', d.floor!), null),
  ];
  if (qemuDyn) rows.push(ratioRow('create', `dynamic ${SIZE / GiB} GiB: kaso disk create vs qemu-img create (both spawned)`, side('kaso CLI', d.cli!), qemuDyn, null));
  if (qemuChild) rows.push(ratioRow('create', 'differencing child: kaso disk create vs qemu-img create (both spawned)', side('kaso CLI', c.cli!), qemuChild, null));
  return rows;
}
