import { cancelled } from './errors.js';

/** What every long disk operation accepts: a way to cancel it and a way to watch it. */
export interface JobOptions {
  signal?: AbortSignal;
  /** Called as work advances: `done` of `total` units (bytes, unless the operation says otherwise). */
  onProgress?: (done: number, total: number) => void;
}

export function throwIfCancelled(file: string, options: JobOptions): void {
  if (options.signal?.aborted) throw cancelled(file);
}

/** Runs `step` over [0, total) in chunks, in order, checking for cancel and reporting progress. */
export async function runChunked(
  file: string,
  total: number,
  chunk: number,
  options: JobOptions,
  step: (at: number, length: number) => Promise<void>,
): Promise<void> {
  options.onProgress?.(0, total);
  for (let at = 0; at < total; at += chunk) {
    throwIfCancelled(file, options);
    const n = Math.min(chunk, total - at);
    await step(at, n);
    options.onProgress?.(at + n, total);
  }
}
