import { useCallback, useEffect, useState } from 'react';
import type { JobInfo } from '../../../main/api/jobs.js';
import { useClient } from './client-context.js';

export interface RunningJob {
  /** The running job of that VM and kind, or null (none, or not heard of yet). */
  job: JobInfo | null;
  /** Asks the host to stop it (looked up with `job.list` if no event named it yet); true if it was stopped. */
  cancel: () => Promise<boolean>;
}

/**
 * The host's running long job of `vmId` for `operation` ('clone', 'merge'): asked for with `job.list` on
 * mount and when the event stream comes back, kept current by `job.changed`. An answer overtaken by an
 * event is dropped, so a slow list never brings back a job that has ended.
 */
export function useJob(vmId: string, operation: JobInfo['operation']): RunningJob {
  const client = useClient();
  const key = `${vmId}/${operation}`;
  // Kept with the (VM, kind) it is for, so that another VM's job never shows for a moment after a switch.
  const [seen, setSeen] = useState<{ key: string; job: JobInfo | null }>({ key, job: null });
  const job = seen.key === key ? seen.job : null;

  const find = useCallback((jobs: readonly JobInfo[]) => jobs.find((j) => j.vmId === vmId && j.operation === operation && j.state === 'running') ?? null, [vmId, operation]);

  useEffect(() => {
    let live = true;
    let latest = 0;
    const list = () => {
      const ask = ++latest;
      client.request('job.list', {}).then(
        (jobs) => {
          if (live && ask === latest) setSeen({ key, job: find(jobs) });
        },
        () => undefined, // progress is a help, not a must: the bar stays as it was
      );
    };
    const offEvents = client.onEvent((event) => {
      if (event.name !== 'job.changed') return;
      const j = event.payload;
      if (j.vmId !== vmId || j.operation !== operation) return;
      latest++;
      if (j.state === 'running') setSeen({ key, job: j });
      else setSeen((prev) => (prev.key === key && prev.job && prev.job.id !== j.id ? prev : { key, job: null }));
    });
    const offConnection = client.onConnection((connected) => connected && list());
    list();
    return () => {
      live = false;
      offEvents();
      offConnection();
    };
  }, [client, vmId, operation, key, find]);

  const cancel = useCallback(async () => {
    const target = job ?? find(await client.request('job.list', {}));
    if (!target) return false;
    const { cancelled } = await client.request('job.cancel', { jobId: target.id });
    return cancelled;
  }, [client, job, find]);

  return { job, cancel };
}

/** How far a job is, 0–100, or null while its size is not known yet (an indeterminate bar). */
export function jobPercent(job: Pick<JobInfo, 'done' | 'total'> | null): number | null {
  if (!job || !(job.total > 0)) return null;
  return Math.max(0, Math.min(100, Math.floor((job.done / job.total) * 100)));
}
