/**
 * Crash-point injection for the durability tests: with KASO_CRASH_AFTER_WRITES=N in the environment the
 * process kills itself with SIGKILL right after its N-th write to any disk file (or atomic file replacement,
 * or snapshot clean-up step), so the tests can stop an operation between any two of its writes, not just
 * wherever a timer happens to land.
 */
const limit = Number(process.env.KASO_CRASH_AFTER_WRITES ?? 0);
let writes = 0;

export function afterDiskWrite(): void {
  if (limit > 0 && ++writes >= limit) process.kill(process.pid, 'SIGKILL');
}
