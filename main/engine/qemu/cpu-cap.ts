import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';

/** How a VM's CPU maximum is enforced, and how to undo it. */
export interface CpuCap {
  how: string;
  release(): Promise<void>;
}

const PERIOD_US = 100_000;
const DUTY_PERIOD_MS = 100;

export interface CpuShare {
  /** Percent of one host CPU per virtual processor (100: no cap). */
  maximum: number;
  /** Relative weight against other VMs (100 is normal), as cgroup v2's cpu.weight. */
  weight: number;
  processors: number;
}

/**
 * Holds a process to the VM's share of the host, as Virtual Server's "maximum capacity" and "relative
 * weight": through the kernel's CPU controller where Kaso may use it (cgroup v1 `cpu.cfs_quota_us` and
 * `cpu.shares`, v2 `cpu.max` and `cpu.weight`); else the maximum by stopping and continuing the process
 * (a duty cycle, when `canPause`).
 */
export async function capCpu(pid: number, name: string, share: CpuShare, canPause: boolean): Promise<CpuCap> {
  if (share.maximum >= 100 && share.weight === 100) return { how: 'none', release: async () => {} };
  const quotaUs = share.maximum >= 100 ? -1 : Math.max(1000, Math.round((PERIOD_US * share.maximum * share.processors) / 100));
  if (process.platform === 'linux') {
    const group = (await tryV1(pid, name, quotaUs, share.weight)) ?? (await tryV2(pid, name, quotaUs, share.weight));
    if (group) return group;
  }
  if (share.maximum < 100 && canPause && process.platform !== 'win32') return dutyCycle(pid, share.maximum);
  return { how: 'not enforced (no cgroup CPU controller Kaso may use)', release: async () => {} };
}

function ownGroup(controller: string | null): string | null {
  try {
    const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
    const line = lines.find((l) => (controller ? l.split(':')[1]!.split(',').includes(controller) : l.startsWith('0::')));
    return line ? line.split(':').slice(2).join(':') : null;
  } catch {
    return null;
  }
}

async function tryV1(pid: number, name: string, quotaUs: number, weight: number): Promise<CpuCap | null> {
  const mine = ownGroup('cpu');
  if (mine === null) return null;
  const dir = path.join('/sys/fs/cgroup/cpu', mine, `kaso-${name}`);
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'cpu.cfs_period_us'), `${PERIOD_US}`);
    await fs.writeFile(path.join(dir, 'cpu.cfs_quota_us'), `${quotaUs}`);
    // v1 shares: 1024 is normal, as weight 100 is.
    await fs.writeFile(path.join(dir, 'cpu.shares'), `${Math.max(2, Math.round((1024 * weight) / 100))}`);
    await fs.writeFile(path.join(dir, 'cgroup.procs'), `${pid}`);
    return { how: 'cgroup v1 cpu.cfs_quota_us', release: () => removeGroup(dir) };
  } catch {
    await removeGroup(dir);
    return null;
  }
}

async function tryV2(pid: number, name: string, quotaUs: number, weight: number): Promise<CpuCap | null> {
  const mine = ownGroup(null);
  if (mine === null) return null;
  const parent = path.join('/sys/fs/cgroup', mine);
  const dir = path.join(parent, `kaso-${name}`);
  try {
    const enabled = await fs.readFile(path.join(parent, 'cgroup.subtree_control'), 'utf8');
    if (!enabled.split(/\s+/).includes('cpu')) await fs.writeFile(path.join(parent, 'cgroup.subtree_control'), '+cpu');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'cpu.max'), `${quotaUs < 0 ? 'max' : quotaUs} ${PERIOD_US}`);
    await fs.writeFile(path.join(dir, 'cpu.weight'), `${weight}`);
    await fs.writeFile(path.join(dir, 'cgroup.procs'), `${pid}`);
    return { how: 'cgroup v2 cpu.max', release: () => removeGroup(dir) };
  } catch {
    await removeGroup(dir);
    return null;
  }
}

/** A group can only go once its processes have; the owner releases it after the process ended. */
async function removeGroup(dir: string): Promise<void> {
  await fs.rmdir(dir).catch(() => {});
}

function dutyCycle(pid: number, percent: number): CpuCap {
  const runMs = Math.max(1, Math.round((DUTY_PERIOD_MS * percent) / 100));
  let stopped = false;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone: the timer is cleared by release() */
    }
  };
  const timer = setInterval(() => {
    signal('SIGCONT');
    stopped = false;
    setTimeout(() => {
      signal('SIGSTOP');
      stopped = true;
    }, runMs).unref();
  }, DUTY_PERIOD_MS);
  timer.unref();
  return {
    how: 'duty cycle (SIGSTOP/SIGCONT)',
    release: async () => {
      clearInterval(timer);
      if (stopped) signal('SIGCONT');
    },
  };
}
