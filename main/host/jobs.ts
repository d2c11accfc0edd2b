import { randomUUID } from 'node:crypto';
import type { JobInfo } from '../api/jobs.js';

export interface Job {
  readonly info: JobInfo;
  readonly signal: AbortSignal;
  progress(done: number, total: number): void;
  /** Ends it with the outcome of `work`, which it runs. */
  run<T>(work: Promise<T>): Promise<T>;
}

/** The long jobs running in the host, each cancellable, each reporting progress (at most ten times a second). */
export class JobRegistry {
  private readonly running = new Map<string, { info: JobInfo; abort: AbortController }>();

  constructor(private readonly changed: (info: JobInfo) => void) {}

  start(vmId: string | null, operation: JobInfo['operation'], label: string): Job {
    const info: JobInfo = { id: randomUUID(), vmId, operation, label, done: 0, total: 0, state: 'running' };
    const abort = new AbortController();
    this.running.set(info.id, { info, abort });
    this.changed({ ...info });
    let last = 0;
    const end = (state: JobInfo['state']) => {
      info.state = state;
      this.running.delete(info.id);
      this.changed({ ...info });
    };
    return {
      info,
      signal: abort.signal,
      progress: (done, total) => {
        info.done = done;
        info.total = total;
        const now = Date.now();
        if (now - last < 100 && done < total) return;
        last = now;
        this.changed({ ...info });
      },
      run: async (work) => {
        try {
          const r = await work;
          end('done');
          return r;
        } catch (e) {
          end(abort.signal.aborted ? 'cancelled' : 'failed');
          throw e;
        }
      },
    };
  }

  list(): JobInfo[] {
    return [...this.running.values()].map((j) => ({ ...j.info }));
  }

  cancel(id: string): boolean {
    const j = this.running.get(id);
    if (!j) return false;
    j.abort.abort();
    return true;
  }
}
