/**
 * Every failure the disk library reports is a DiskError: it names the file and says what is wrong,
 * so a CLI, a dialog or a log line can show it as is.
 */
export type DiskErrorCode =
  | 'NOT_VHD' // not a VHD (nor a linked-disk placeholder)
  | 'CORRUPT' // structure is damaged: bad cookie, checksum, pointers outside the file
  | 'UNSUPPORTED' // valid but a kind we cannot handle (e.g. an unknown disk type)
  | 'PARENT_MISSING' // a differencing disk whose parent cannot be found
  | 'PARENT_MISMATCH' // a parent was found but its unique id is not the one recorded
  | 'PARENT_LOOP' // a chain that comes back to itself
  | 'OUT_OF_RANGE' // a request outside the disk's virtual size
  | 'INVALID_ARGUMENT' // a caller asked for something impossible (absurd size, bad block size)
  | 'READ_ONLY' // a write to a disk opened read-only
  | 'IN_USE' // refused because something else depends on this disk
  | 'EXISTS' // refusing to overwrite a file
  | 'CANCELLED' // the caller aborted a long operation
  | 'IO'; // the host file system failed (full disk, permission, ...)

export class DiskError extends Error {
  override readonly name = 'DiskError';
  constructor(
    readonly code: DiskErrorCode,
    readonly file: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(file ? `${file}: ${detail}` : detail, options);
  }
}

export function isDiskError(e: unknown): e is DiskError {
  return e instanceof DiskError;
}

/** Wraps a host file-system error (ENOSPC, EACCES, ...) so it names the disk file. */
export function ioError(file: string, action: string, cause: unknown): DiskError {
  const code = (cause as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOSPC'
      ? 'the host disk is full'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOENT'
          ? 'no such file'
          : code === 'EROFS'
            ? 'the file system is read-only'
            : ((cause as Error)?.message ?? String(cause));
  return new DiskError('IO', file, `${action} failed: ${why}`, { cause });
}

export function cancelled(file: string): DiskError {
  return new DiskError('CANCELLED', file, 'cancelled');
}
