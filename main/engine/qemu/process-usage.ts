import { readFileSync } from 'node:fs';

/** The kernel's clock ticks in /proc times: 100 a second on every Linux Kaso runs on. */
const TICKS_PER_S = 100;

function cpuTicks(statFile: string): number | null {
  try {
    const stat = readFileSync(statFile, 'utf8');
    // The command name, in parentheses, may hold spaces: fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

/** A process's and its vCPU threads' CPU use between two calls, in percent of one host CPU (Linux /proc). */
export class ProcessUsage {
  private last: { at: number; total: number | null; threads: (number | null)[] } | null = null;

  constructor(
    private readonly pid: number,
    private threadIds: number[] = [],
  ) {}

  setThreads(ids: number[]): void {
    this.threadIds = ids;
    this.last = null;
  }

  sample(): { cpuPercent: number; vcpuPercent: number[]; rssMiB: number } | null {
    if (process.platform !== 'linux') return null;
    const now = { at: performance.now(), total: cpuTicks(`/proc/${this.pid}/stat`), threads: this.threadIds.map((t) => cpuTicks(`/proc/${this.pid}/task/${t}/stat`)) };
    const before = this.last;
    this.last = now;
    if (!before || now.total === null || before.total === null) return null;
    const seconds = (now.at - before.at) / 1000;
    const percent = (a: number | null, b: number | null) => (a === null || b === null ? 0 : (100 * (a - b)) / TICKS_PER_S / seconds);
    return {
      cpuPercent: percent(now.total, before.total),
      vcpuPercent: now.threads.map((t, i) => percent(t, before.threads[i] ?? null)),
      rssMiB: rssMiB(this.pid),
    };
  }
}

function rssMiB(pid: number): number {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return (pages * 4096) / 1048576;
  } catch {
    return 0;
  }
}
