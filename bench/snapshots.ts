/**
 * Snapshots, measured through the host service as the console uses it:
 * - take and revert without machine state on a 100 GiB disk holding 10 GiB, against the same on a 64 MiB disk
 *   (the limit: under 50 ms; the ratio shows it does not grow with the disk);
 * - take with machine state of a running 256 MiB guest: how long the guest stood still, against saving its
 *   state the Virtual PC way (vm.save) in the same run (the limit: 500 ms);
 * - reading through a 32-snapshot chain against a single dynamic disk with the same content (convert of the
 *   chain), sequential 1 MiB and random 4 KiB (the goal: at least 0.6x).
 */
import path from 'node:path';
import type { SnapshotInfo, SnapshotTree } from '../main/api/snapshots.js';
import type { VmDetails } from '../main/api/requests.js';
import { convertDisk, openDisk, type Disk } from '../main/disk/index.js';
import { HostService } from '../main/host/host-service.js';
import { testGuest } from '../test/helpers/guest.js';
import { GiB, KiB, MiB, alternate, log, msSince, now, randomBytes, randomInt, rng, type BenchContext } from './common.js';
import { limitRow, ratioRow, side, type Row } from './report.js';

const BIG = { sizeMiB: 100 * 1024, dataGiB: 10 };
const SMALL_MIB = 64;
const CHAIN = 32;
const CHAIN_DATA = 256 * MiB;

export async function benchSnapshots(ctx: BenchContext): Promise<Row[]> {
  const service = await HostService.create(path.join(ctx.dir, 'kaso-home-snapshots'));
  try {
    return [...(await takeAndRevert(ctx, service)), ...(await chainReads(ctx, service)), ...(await withState(ctx, service))];
  } finally {
    service.killAll();
  }
}

const call = <T>(s: HostService, name: string, input: unknown) => s.handle(name, input) as Promise<T>;

async function leafOf(s: HostService, id: string): Promise<Disk> {
  const r = s.library.get(id);
  return openDisk(s.library.resolve(r, r.file.settings.ide.primaryMaster!.path!), { writable: true });
}

async function takeAndRevert(ctx: BenchContext, s: HostService): Promise<Row[]> {
  log(`snapshots: a ${BIG.sizeMiB / 1024} GiB disk with ${BIG.dataGiB} GiB allocated, and a ${SMALL_MIB} MiB one`);
  const big = await call<VmDetails>(s, 'vm.create', { settings: { name: 'big', memoryMiB: 32 }, newDisk: { sizeMiB: BIG.sizeMiB } });
  const small = await call<VmDetails>(s, 'vm.create', { settings: { name: 'small', memoryMiB: 32 }, newDisk: { sizeMiB: SMALL_MIB } });
  const disk = await leafOf(s, big.id);
  const block = 2 * MiB;
  for (let b = 0; b < (BIG.dataGiB * GiB) / block; b++) await disk.write(randomBytes(4 * KiB), b * block); // every block allocated
  await disk.close();
  const timeTake = (id: string) => async () => {
    const t = now();
    await call<SnapshotInfo>(s, 'snapshot.take', { id });
    return msSince(t);
  };
  const timeRevert = (id: string) => async () => {
    const first = (await call<SnapshotTree>(s, 'snapshot.list', { id })).snapshots[0]!;
    const t = now();
    await call(s, 'snapshot.revert', { id, snapshotId: first.id, discardCurrent: true });
    return msSince(t);
  };
  const take = await alternate(ctx.reps, { big: timeTake(big.id), small: timeTake(small.id) });
  const revert = await alternate(ctx.reps, { big: timeRevert(big.id), small: timeRevert(small.id) });
  const note = 'peer: the same on a 64 MiB disk (ratio near 1: independent of size and data)';
  return [
    limitRow('snapshots', 'take without memory, 100 GiB disk holding 10 GiB', side('kaso', take.big), side('64 MiB', take.small), 50, note),
    limitRow('snapshots', 'revert without memory, 100 GiB disk holding 10 GiB', side('kaso', revert.big), side('64 MiB', revert.small), 50, note),
  ];
}

async function chainReads(ctx: BenchContext, s: HostService): Promise<Row[]> {
  log(`snapshots: ${CHAIN} snapshots, each after writes scattered in 64 KiB pieces over ${CHAIN_DATA / MiB} MiB`);
  const vm = await call<VmDetails>(s, 'vm.create', { settings: { name: 'chain', memoryMiB: 32 }, newDisk: { sizeMiB: 1024 } });
  const next = rng(32);
  for (let level = 0; level <= CHAIN; level++) {
    const disk = await leafOf(s, vm.id);
    const pieces = level === 0 ? CHAIN_DATA / (64 * KiB) : 128; // a full base, then a guest's worth of changes each time
    for (let i = 0; i < pieces; i++) await disk.write(randomBytes(64 * KiB), (level === 0 ? i : randomInt(next, CHAIN_DATA / (64 * KiB))) * 64 * KiB);
    await disk.close();
    if (level < CHAIN) await call(s, 'snapshot.take', { id: vm.id });
  }
  const r = s.library.get(vm.id);
  const top = s.library.resolve(r, r.file.settings.ide.primaryMaster!.path!);
  const single = path.join(ctx.dir, 'chain-flattened.vhd');
  await convertDisk(top, single, { type: 'dynamic' });
  const readers = { chain: await openDisk(top), single: await openDisk(single) };
  const seq = (d: Disk) => async () => {
    const b = new Uint8Array(MiB);
    const t = now();
    for (let at = 0; at < CHAIN_DATA; at += MiB) await d.read(b, at);
    return msSince(t);
  };
  const random = (d: Disk) => async () => {
    const b = new Uint8Array(4 * KiB);
    const pick = rng(4);
    const t = now();
    for (let i = 0; i < 5000; i++) await d.read(b, randomInt(pick, CHAIN_DATA / (4 * KiB)) * 4 * KiB);
    return msSince(t);
  };
  try {
    const sq = await alternate(ctx.reps, { chain: seq(readers.chain), single: seq(readers.single) });
    const rd = await alternate(ctx.reps, { chain: random(readers.chain), single: random(readers.single) });
    return [
      ratioRow('snapshots', `sequential 1 MiB reads through a ${CHAIN}-snapshot chain vs one dynamic disk`, side('kaso', sq.chain), side('dynamic', sq.single), 0.6),
      ratioRow('snapshots', `random 4 KiB reads through a ${CHAIN}-snapshot chain vs one dynamic disk`, side('kaso', rd.chain), side('dynamic', rd.single), 0.6),
    ];
  } finally {
    await readers.chain.close();
    await readers.single.close();
  }
}

async function withState(ctx: BenchContext, s: HostService): Promise<Row[]> {
  const guest = await testGuest();
  if (!guest) {
    log('snapshots: no test guest can be built here: the take with memory is skipped');
    return [];
  }
  const ide = { primaryMaster: null, primarySlave: null, secondaryMaster: { kind: 'cdrom', path: guest.iso }, secondarySlave: null };
  const vm = await call<VmDetails>(s, 'vm.create', { settings: { name: 'state', memoryMiB: 256, osPreset: 'linux32', ide } });
  const paused: number[] = [];
  const saved: number[] = [];
  for (let i = 0; i < Math.min(ctx.reps, 3); i++) {
    await call(s, 'vm.start', { id: vm.id });
    await new Promise((r) => setTimeout(r, 15_000)); // into the guest's shell
    paused.push((await call<{ pausedMs: number }>(s, 'snapshot.take', { id: vm.id })).pausedMs);
    const t = now();
    await call(s, 'vm.save', { id: vm.id });
    saved.push(msSince(t));
    await call(s, 'vm.discardSavedState', { id: vm.id });
    log(`snapshots: take with memory paused the guest ${paused.at(-1)} ms; vm.save took ${saved.at(-1)!.toFixed(0)} ms`);
  }
  return [limitRow('snapshots', 'take with memory of a running 256 MiB guest: time the guest stood still', side('kaso', paused), side('vm.save', saved), 500, 'peer: saving the same state and stopping (Save State)')];
}
