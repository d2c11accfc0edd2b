import { z } from 'zod';

/** Long work the host does for a client (a full clone's copies, a snapshot merge): its progress, and a way to stop it. */
export interface JobInfo {
  id: string;
  vmId: string | null;
  operation: 'clone' | 'merge';
  /** What it does, in words ("Cloning "XP" to "XP Clone""). */
  label: string;
  done: number;
  total: number;
  state: 'running' | 'done' | 'cancelled' | 'failed';
}

export const jobRequestSchemas = {
  'job.list': z.object({}).strict(),
  /** Stops a running job cleanly (what it made is removed; what it changed reads as before). */
  'job.cancel': z.object({ jobId: z.string().uuid('not a job id') }).strict(),
} as const;

export interface JobResults {
  'job.list': JobInfo[];
  'job.cancel': { cancelled: boolean };
}
