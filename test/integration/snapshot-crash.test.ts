import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotTree } from '../../main/api/snapshots.js';
import type { VmDetails } from '../../main/api/requests.js';
import type { HostService } from '../../main/host/host-service.js';
import { checkDisk, openDisk } from '../../main/disk/index.js';
import { built } from '../helpers/processes.js';
import { pattern, rng } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * kill -9 of the host at every write of take, revert and delete (with its merge): afterwards the VM opens,
 * every snapshot that existed still reads exactly as before, the present state is the old one or the new
 * one and nothing in between, and every disk checks clean. The VM is off: the disks are written by the
 * library, so what each one holds is known.
 */
const dir = tempDir('snapshot-crash');
type Contents = Record<string, string>;

async function host(home: string): Promise<HostService> {
  const { HostService: Host } = (await import(built('main/host/host-service.js'))) as typeof import('../../main/host/host-service.js');
  return Host.create(home);
}

async function hashOf(file: string): Promise<string> {
  const disk = await openDisk(file);
  try {
    const all = new Uint8Array(disk.size);
    await disk.read(all, 0);
    return createHash('sha256').update(all).digest('hex');
  } finally {
    await disk.close();
  }
}

function leafOf(h: HostService, id: string): string {
  const r = h.library.get(id);
  return h.library.resolve(r, r.file.settings.ide.primaryMaster!.path!);
}

/** The guest's part: some 64 KiB writes to the present disk, different for each seed. */
async function scribble(h: HostService, id: string, seed: number): Promise<void> {
  const disk = await openDisk(leafOf(h, id), { writable: true });
  const next = rng(seed);
  for (let i = 0; i < 5; i++) await disk.write(pattern(seed * 10 + i, 65536), Math.floor(next() * 250) * 65536);
  await disk.flush();
  await disk.close();
}

/** What the VM's guest would read: its undo disk when a session is open, else its present disk. */
function viewOf(h: HostService, id: string): string {
  const r = h.library.get(id);
  const undo = r.file.undo?.disks.find((d) => d.slot === 'primaryMaster');
  return undo ? h.library.resolve(r, undo.path) : leafOf(h, id);
}

/** What every snapshot and the present state read, by name ("Now" for the present). */
async function contents(h: HostService, id: string): Promise<Contents> {
  const r = h.library.get(id);
  const tree = (await h.handle('snapshot.list', { id })) as SnapshotTree;
  const out: Contents = { Now: await hashOf(leafOf(h, id)), View: await hashOf(viewOf(h, id)) };
  for (const s of tree.snapshots) out[s.name] = await hashOf(h.library.resolve(r, s.disks[0]!.path));
  return out;
}

async function settle(h: HostService, id: string): Promise<void> {
  const snapshots = (h as unknown as { snapshots: { busy(id: string): boolean } }).snapshots;
  while (snapshots.busy(id)) await new Promise((r) => setTimeout(r, 20));
}

describe('kill -9 during snapshot operations', () => {
  let base: string;
  let vmId: string;
  let before: Contents;
  let undoBase: string;
  let undoBefore: Contents;

  beforeAll(async () => {
    base = path.join(dir, 'base');
    const h = await host(base);
    const vm = (await h.handle('vm.create', { settings: { name: 'Crash', memoryMiB: 32 }, newDisk: { sizeMiB: 16 } })) as VmDetails;
    vmId = vm.id;
    const take = (name: string) => h.handle('snapshot.take', { id: vm.id, name });
    const byName = async (name: string) => ((await h.handle('snapshot.list', { id: vm.id })) as SnapshotTree).snapshots.find((s) => s.name === name)!.id;
    await scribble(h, vm.id, 1);
    await take('S1');
    await scribble(h, vm.id, 2);
    await take('S2');
    await scribble(h, vm.id, 3);
    await h.handle('snapshot.revert', { id: vm.id, snapshotId: await byName('S1') }); // keeps the present as a branch
    await scribble(h, vm.id, 4);
    before = await contents(h, vm.id);
    h.killAll();
    expect(Object.keys(before).sort()).toEqual(['Before reverting to "S1"', 'Now', 'S1', 'S2', 'View']);
    expect(new Set(Object.values(before)).size).toBe(4); // each state differs from the others (View is Now)
    // A second starting point: the same VM with an undo session holding changes.
    undoBase = path.join(dir, 'undo-base');
    cpSync(base, undoBase, { recursive: true });
    const u = await host(undoBase);
    await u.handle('vm.update', { id: vmId, settings: { undoDisks: true } });
    const { openUndoSession } = (await import(built('main/host/undo-disks.js'))) as typeof import('../../main/host/undo-disks.js');
    await openUndoSession(u.library, u.library.get(vmId));
    const undoDisk = await openDisk(viewOf(u, vmId), { writable: true });
    await undoDisk.write(pattern(77, 65536), 3 * 65536);
    await undoDisk.close();
    undoBefore = await contents(u, vmId);
    u.killAll();
    expect(undoBefore.View).not.toBe(undoBefore.Now);
  });

  /** Runs `op` in a worker killed after its n-th write, for n = 1, 2, ... until it gets through. */
  async function crashEverywhere(
    op: string,
    snapshot: string | undefined,
    expectAfter: (after: Contents, finished: boolean, h: HostService) => Promise<void> | void,
    from = base,
  ): Promise<number> {
    for (let n = 1; ; n++) {
      const home = path.join(dir, `${op}-${n}`);
      cpSync(from, home, { recursive: true });
      const r = spawnSync(process.execPath, [built('test/fixtures/snapshot-worker.js'), home, 'Crash', op, ...(snapshot ? [snapshot] : [])], {
        env: { ...process.env, KASO_CRASH_AFTER_WRITES: String(n) },
        encoding: 'utf8',
      });
      const finished = r.status === 0;
      if (!finished) expect(r.signal, `${op} at write ${n}: ${r.stderr}`).toBe('SIGKILL');
      const h = await host(home);
      await settle(h, vmId);
      try {
        expect(h.library.unreadable).toEqual([]);
        await expectAfter(await contents(h, vmId), finished, h);
        const folder = h.library.get(vmId).folder;
        expect(readdirSync(folder).filter((f) => f.endsWith('.kaso-partial') || f.endsWith('.kaso-journal')), `${op} at write ${n}`).toEqual([]);
        for (const f of readdirSync(folder).filter((f) => f.endsWith('.vhd'))) {
          const report = await checkDisk(path.join(folder, f));
          expect(report.findings.filter((x) => x.severity !== 'note'), `${f} after ${op} at write ${n}`).toEqual([]);
        }
      } finally {
        h.killAll();
      }
      if (finished) {
        process.stdout.write(`[crash] ${op}: killed at each of its ${n - 1} writes, then let finish\n`);
        return n;
      }
    }
  }

  /** Every snapshot from before, except `gone`, reads as it did. */
  function keptExcept(after: Contents, gone?: string, from = before): void {
    for (const [name, hash] of Object.entries(from)) if (name !== 'Now' && name !== 'View' && name !== gone) expect(after[name], name).toBe(hash);
  }

  it('undo commit: the guest reads the same throughout, and afterwards its own disk holds the changes', async () => {
    await crashEverywhere(
      'undo-commit',
      undefined,
      (after, finished, h) => {
        keptExcept(after, undefined, undoBefore);
        expect(after.View).toBe(undoBefore.View);
        if (finished) expect(h.library.get(vmId).file.undo).toBeUndefined();
        if (!h.library.get(vmId).file.undo) expect(after.Now).toBe(undoBefore.View);
      },
      undoBase,
    );
  });

  it('undo discard: the session\'s changes or none, never part of them', async () => {
    await crashEverywhere(
      'undo-discard',
      undefined,
      (after, _finished, h) => {
        keptExcept(after, undefined, undoBefore);
        expect(after.Now).toBe(undoBefore.Now);
        expect(after.View).toBe(h.library.get(vmId).file.undo ? undoBefore.View : undoBefore.Now);
      },
      undoBase,
    );
  });

  for (const mode of ['linked', 'full'] as const)
    it(`${mode} clone: the source is untouched, and a clone that exists reads as the source did`, async () => {
      await crashEverywhere(`clone-${mode}`, undefined, async (after, finished, h) => {
        keptExcept(after);
        expect(after.Now).toBe(before.Now);
        const clone = h.library.list().find((r) => r.file.settings.name === 'Clone');
        if (finished) expect(clone?.file.settings.ide.primaryMaster?.path).toBeTruthy();
        const p = clone?.file.settings.ide.primaryMaster?.path;
        if (clone && p) expect(await hashOf(h.library.resolve(clone, p))).toBe(before.Now);
      });
    });

  it('take: the new snapshot is there or not, and holds the present state', async () => {
    const points = await crashEverywhere('take', undefined, (after, finished) => {
      keptExcept(after);
      expect(after.Now).toBe(before.Now);
      if ('Taken' in after) expect(after.Taken).toBe(before.Now);
      if (finished) expect(after).toHaveProperty('Taken');
    });
    expect(points).toBeGreaterThan(3);
  });

  it('revert keeping the present: either nothing happened, or S2 is back and the present is a branch', async () => {
    await crashEverywhere('revert', 'S2', (after, finished) => {
      keptExcept(after);
      if (after.Now === before.Now && !finished) return;
      expect(after.Now).toBe(before.S2);
      expect(after['Before reverting to "S2"']).toBe(before.Now);
    });
  });

  it('revert discarding the present: the old present or S2, never a mixture', async () => {
    await crashEverywhere('revert-discard', 'S2', (after, finished) => {
      keptExcept(after);
      expect([before.Now, before.S2]).toContain(after.Now);
      if (finished) expect(after.Now).toBe(before.S2);
    });
  });

  it('delete with a merge: S2 goes, and the branch below it still reads the same', async () => {
    await crashEverywhere('delete', 'S2', (after, finished) => {
      keptExcept(after, 'S2');
      expect(after.Now).toBe(before.Now);
      if (finished) expect(after).not.toHaveProperty('S2');
    });
    expect(existsSync(base)).toBe(true);
  });
});
