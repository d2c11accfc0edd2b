import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobInfo } from '../../main/api/jobs.js';
import type { VmDetails } from '../../main/api/requests.js';
import { openDisk } from '../../main/disk/index.js';
import { startHost } from '../helpers/host-harness.js';
import { pattern } from '../helpers/random.js';

/** Long host work as a client sees it: progress events while it runs, and a cancel that leaves nothing behind. */
describe('long jobs in the host', () => {
  it('reports a full clone\'s progress and cancels it cleanly', async () => {
    const h = await startHost('jobs');
    const vm = await h.create({ name: 'Big', memoryMiB: 32 }, { sizeMiB: 1024 });
    const disk = await openDisk(path.join(vm.folder, 'Big.vhd'), { writable: true });
    for (let at = 0; at < 384 * 1024 * 1024; at += 4 * 1024 * 1024) await disk.write(pattern(at, 4 * 1024 * 1024), at);
    await disk.close();

    const seen: JobInfo[] = [];
    const progressed = new Promise<JobInfo>((resolve) =>
      h.service.on('event', (name, payload) => {
        if (name !== 'job.changed') return;
        const job = payload as JobInfo;
        seen.push(job);
        if (job.state === 'running' && job.done > 0) resolve(job);
      }),
    );
    const clone = h.call<VmDetails>('vm.clone', { id: vm.id, name: 'Big Clone', mode: 'full' });
    const job = await progressed;
    expect(job).toMatchObject({ vmId: vm.id, operation: 'clone', label: 'Cloning "Big" to "Big Clone"' });
    expect((await h.call<JobInfo[]>('job.list', {})).map((j) => j.id)).toContain(job.id);
    expect(await h.call('job.cancel', { jobId: job.id })).toEqual({ cancelled: true });
    await expect(clone).rejects.toThrow(/cancelled; nothing of it is left/);
    expect(seen.at(-1)).toMatchObject({ id: job.id, state: 'cancelled' });
    expect((await h.call<VmDetails[]>('vm.list', {})).map((v) => v.name)).toEqual(['Big']);
    expect(existsSync(path.join(h.home, 'Virtual Machines', 'Big Clone'))).toBe(false);
    expect(await h.call('job.cancel', { jobId: job.id })).toEqual({ cancelled: false }); // over: nothing to cancel

    // Not cancelled, the same clone completes, with the same data.
    const done = await h.call<VmDetails>('vm.clone', { id: vm.id, name: 'Big Clone', mode: 'full' });
    const copy = await openDisk(path.join(done.folder, 'Big Clone.vhd'));
    const probe = new Uint8Array(4096);
    await copy.read(probe, 100 * 1024 * 1024);
    await copy.close();
    expect(Buffer.from(probe).equals(Buffer.from(pattern(100 * 1024 * 1024, 4 * 1024 * 1024).subarray(0, 4096)))).toBe(true);
  });
});
