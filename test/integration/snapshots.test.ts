import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotInfo, SnapshotTree } from '../../main/api/snapshots.js';
import type { VmDetails } from '../../main/api/requests.js';
import { testGuest, testGuestMissing, type TestGuest } from '../helpers/guest.js';
import { startHost, type Harness } from '../helpers/host-harness.js';
import { announceSkip, missingVhdimount } from '../helpers/peers.js';
import { readThroughVhdimount } from '../helpers/vhdimount.js';
import { checkDisk, diskInfo, openDisk } from '../../main/disk/index.js';

/**
 * Snapshots of the test guest's disk, driven as the console drives them: a file written in the guest is
 * the witness of which state the disk is in.
 */
const guest: TestGuest | null = await testGuest();
announceSkip('snapshot tests', guest ? null : testGuestMissing());
const PROMPT = /kaso-guest# /;

describe.skipIf(!guest)('snapshots of a VM running the test guest', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost('snapshots');
  });

  /** A VM whose disk is a copy of the test guest's, in the VM's folder (as the wizard makes them). */
  async function diskVm(name: string): Promise<VmDetails> {
    const vm = await h.create({ name, memoryMiB: 128, osPreset: 'linux32', bootOrder: ['disk'] });
    copyFileSync(guest!.vhd, path.join(vm.folder, `${name}.vhd`));
    const ide = { primaryMaster: { kind: 'disk', path: `${name}.vhd` }, primarySlave: null, secondaryMaster: null, secondarySlave: null };
    return h.call<VmDetails>('vm.update', { id: vm.id, settings: { ide } });
  }

  async function boot(id: string): Promise<void> {
    await h.call('vm.start', { id });
    await h.waitSerial(id, PROMPT); // each start is a new process with its own serial history
  }

  /** One boot: what the witness file says, then (if asked) a new text for it; turned off after. */
  async function witnessSession(id: string, write?: string): Promise<string> {
    await boot(id);
    const seen = (await h.run(id, 'cat /mnt/witness.txt 2>/dev/null || echo none')).trim();
    if (write) await h.run(id, `echo ${write} > /mnt/witness.txt && sync`);
    await h.call('vm.turnOff', { id });
    return seen;
  }

  const take = (id: string, name: string) => h.call<SnapshotInfo>('snapshot.take', { id, name });
  const tree = (id: string) => h.call<SnapshotTree>('snapshot.list', { id });
  const byName = async (id: string, name: string) => (await tree(id)).snapshots.find((s) => s.name === name)!;

  it('takes a snapshot of a running guest and reverts to it: disk and memory come back, the shell goes on', async () => {
    const vm = await diskVm('Running');
    await boot(vm.id);
    await h.run(vm.id, 'echo one > /mnt/witness.txt && sync; MARK=kept-in-memory');
    const one = await take(vm.id, 'one');
    expect(one.hasState).toBe(true);
    expect((await h.state(vm.id)).state).toBe('running'); // paused only for the moment of the save
    expect(await h.run(vm.id, 'echo two > /mnt/witness.txt && sync && cat /mnt/witness.txt')).toContain('two');
    const after = await h.call<SnapshotTree>('snapshot.revert', { id: vm.id, snapshotId: one.id });
    expect(after.current).toBe(one.id);
    await h.waitState(vm.id, 'running');
    // The guest goes on from the moment of the snapshot: its shell variable and its file are as they were.
    expect(await h.run(vm.id, 'echo $MARK; cat /mnt/witness.txt')).toMatch(/kept-in-memory\s+one/);
    // The state left behind is a branch with its own machine state; going back there finds "two".
    const branch = after.snapshots.find((s) => s.name === 'Before reverting to "one"')!;
    expect(branch.parentId).toBe(one.id);
    expect(branch.hasState).toBe(true);
    await h.call('snapshot.revert', { id: vm.id, snapshotId: branch.id });
    await h.waitState(vm.id, 'running');
    expect(await h.run(vm.id, 'cat /mnt/witness.txt')).toContain('two');
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('takes disk-only snapshots of a VM that is off, branches, and deletes a middle one keeping both ends', { timeout: 600_000 }, async () => {
    const vm = await diskVm('Offline');
    const session = (write?: string) => witnessSession(vm.id, write);
    const names = async () => (await tree(vm.id)).snapshots.map((s) => [s.name, s.parentId]);
    await session('A');
    const a = await take(vm.id, 'A');
    expect(a.hasState).toBe(false);
    expect(await session('B')).toBe('A');
    const b = await take(vm.id, 'B');
    expect(await session('C')).toBe('B');
    await h.call('snapshot.revert', { id: vm.id, snapshotId: a.id, discardCurrent: true });
    expect(await session('D')).toBe('A'); // C is gone; D starts a second branch from A
    const d = await take(vm.id, 'D');
    expect(await names()).toEqual([
      ['A', null],
      ['B', a.id],
      ['D', a.id],
    ]);
    await h.call('snapshot.revert', { id: vm.id, snapshotId: b.id, discardCurrent: true });
    expect(await session('E')).toBe('B');
    // B sits between A and the present (E): deleting it folds its disk into what depends on it.
    await h.call('snapshot.delete', { id: vm.id, snapshotId: b.id });
    expect(await names()).toEqual([
      ['A', null],
      ['D', a.id],
    ]);
    expect(await session()).toBe('E');
    await h.call('snapshot.revert', { id: vm.id, snapshotId: d.id }); // keeps E as a branch
    expect(await session()).toBe('D');
    const branch = (await byName(vm.id, 'Before reverting to "D"'))!;
    await h.call('snapshot.revert', { id: vm.id, snapshotId: branch.id, discardCurrent: true });
    expect(await session()).toBe('E');
    // A is needed by two branches: deleting it hides it and keeps its disk, and both branches still read right.
    const aDisk = path.resolve(vm.folder, a.disks[0]!.path);
    await h.call('snapshot.delete', { id: vm.id, snapshotId: a.id });
    expect((await tree(vm.id)).snapshots.map((s) => s.name)).not.toContain('A');
    expect(existsSync(aDisk)).toBe(true);
    await h.call('snapshot.revert', { id: vm.id, snapshotId: d.id, discardCurrent: true });
    expect(await session()).toBe('D');
  });

  it('makes linked and full clones that boot, go their own ways, and outlive the original', { timeout: 600_000 }, async () => {
    const original = await diskVm('Original');
    const session = witnessSession;
    await session(original.id, 'original');
    const linked = await h.call<VmDetails>('vm.clone', { id: original.id, name: 'Linked', mode: 'linked' });
    const full = await h.call<VmDetails>('vm.clone', { id: original.id, name: 'Full', mode: 'full' });
    const diskOf = (vm: VmDetails) => path.resolve(vm.folder, vm.settings.ide.primaryMaster!.path!);
    const ids = await Promise.all([original, linked, full].map(async (vm) => (await diskInfo(diskOf(vm))).uniqueId));
    expect(new Set(ids).size).toBe(3); // every clone's disk is a disk of its own
    expect((await diskInfo(diskOf(linked))).type).toBe('differencing');
    expect((await diskInfo(diskOf(full))).type).toBe('dynamic');
    expect(await session(linked.id, 'linked')).toBe('original');
    expect(await session(full.id, 'full')).toBe('original');
    expect(await session(original.id)).toBe('original');
    // Deleting the original with its disks keeps the one the linked clone grows from.
    const removed = await h.call<{ keptFiles: string[] }>('vm.delete', { id: original.id, keepDisks: false });
    expect(removed.keptFiles).toContain((await diskInfo(diskOf(linked))).parents[0]!.path);
    expect(await session(linked.id)).toBe('linked');
    expect(await session(full.id)).toBe('full');
  });

  it('keeps a session apart on undo disks: discard brings the disk back, commit makes the changes its own', { timeout: 600_000 }, async () => {
    const vm = await diskVm('Undo');
    await h.call('vm.update', { id: vm.id, settings: { undoDisks: true } });
    const disk = path.join(vm.folder, 'Undo.vhd');
    const before = await diskInfo(disk);
    const session = (write?: string) => witnessSession(vm.id, write);
    expect(await session('first')).toBe('none');
    expect((await h.call<VmDetails>('vm.get', { id: vm.id })).undoPending).toBe(true);
    expect((await diskInfo(disk)).fileSize).toBe(before.fileSize); // the VM's own disk was not written
    await expect(h.call('snapshot.take', { id: vm.id })).rejects.toThrow(/undo disks with changes: commit or discard/);
    await h.call('vm.undo', { id: vm.id, action: 'keep' });
    expect(await session()).toBe('first'); // a kept session goes on
    await h.call('vm.undo', { id: vm.id, action: 'discard' });
    expect((await h.call<VmDetails>('vm.get', { id: vm.id })).undoPending).toBe(false);
    expect(readdirSync(vm.folder).filter((f) => f.includes('-undo-'))).toEqual([]);
    expect(await session('second')).toBe('none'); // discarded: the disk is as it was
    await h.call('vm.undo', { id: vm.id, action: 'commit' });
    await h.call('vm.update', { id: vm.id, settings: { undoDisks: false } });
    expect(await session()).toBe('second'); // committed into the VM's own disk
    expect((await checkDisk(disk)).findings.filter((f) => f.severity !== 'note')).toEqual([]);
  });

  it.skipIf(missingVhdimount() !== null)('leaves disks that vhdimount reads exactly as Kaso does', async () => {
    const vm = await diskVm('Peer'); // every disk of the chain in one folder, where libvhdi looks for parents
    await boot(vm.id);
    await h.run(vm.id, 'echo peer > /mnt/witness.txt && sync');
    await take(vm.id, 'p1');
    await h.run(vm.id, 'dd if=/dev/urandom of=/mnt/noise bs=1k count=300 2>/dev/null; sync');
    await take(vm.id, 'p2');
    await h.run(vm.id, 'rm /mnt/noise; echo later > /mnt/witness.txt; sync');
    await h.call('vm.turnOff', { id: vm.id });
    const folder = vm.folder;
    for (const name of readdirSync(folder).filter((n) => n.endsWith('.vhd'))) {
      const file = path.join(folder, name);
      const disk = await openDisk(file);
      const ours = Buffer.alloc(disk.size);
      await disk.read(ours, 0);
      await disk.close();
      expect(readThroughVhdimount(file, h.home).equals(ours), name).toBe(true);
    }
  });
});
