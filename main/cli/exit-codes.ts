import type { DiskErrorCode } from '../disk/index.js';

export const ExitCode = {
  ok: 0,
  /** Problems found (check), or the operation failed or was refused. */
  failed: 1,
  /** The disk is unusable, or the input is invalid. */
  unusable: 2,
  cancelled: 130,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0    success (check: the disk is clean)
  1    check found problems (listed); or the operation failed or was refused
  2    the disk is unusable (damaged, not a VHD, parent missing) or the arguments are invalid
  130  cancelled with Ctrl-C (nothing half-written is left behind)`;

export const VM_EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    the host refused or the operation failed (the VM's state does not allow it, the engine failed,
       serial --expect timed out)
  2    the arguments are invalid, or no VM has that name
  130  cancelled with Ctrl-C`;

export function exitCodeFor(code: DiskErrorCode): number {
  switch (code) {
    case 'CANCELLED':
      return ExitCode.cancelled;
    case 'NOT_VHD':
    case 'CORRUPT':
    case 'UNSUPPORTED':
    case 'PARENT_MISSING':
    case 'PARENT_MISMATCH':
    case 'PARENT_LOOP':
    case 'INVALID_ARGUMENT':
    case 'OUT_OF_RANGE':
      return ExitCode.unusable;
    default:
      return ExitCode.failed;
  }
}
