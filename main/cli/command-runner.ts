import { ApiError } from '../api/requests.js';
import { isDiskError } from '../disk/index.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { progressBar, type ProgressBar } from './progress-bar.js';

export interface CommandContext {
  json: boolean;
  /** Aborted by Ctrl-C: long operations stop cleanly and leave nothing half-written. */
  signal: AbortSignal;
  progress(label: string, unit: 'bytes' | 'blocks'): ProgressBar;
  /** Prints a result: `value` as JSON with --json, else the text lines. */
  print(value: unknown, lines: () => string[]): void;
}

type Action<A extends unknown[]> = (ctx: CommandContext, ...args: A) => Promise<number | void>;

/**
 * Wraps a command's action: Ctrl-C becomes a cancel signal (a second Ctrl-C quits at once), errors become a
 * one-line message naming the file (and a JSON error object with --json), and every outcome an exit code.
 */
export function runAction<A extends unknown[]>(action: Action<A>) {
  return async (...args: unknown[]): Promise<void> => {
    const opts = (args.at(-2) ?? {}) as { json?: boolean };
    const json = Boolean(opts.json);
    const controller = new AbortController();
    const bars: ProgressBar[] = [];
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(ExitCode.cancelled);
      controller.abort();
      if (!json) process.stderr.write('\nkaso: cancelling...\n');
    };
    process.on('SIGINT', onSigint);
    const ctx: CommandContext = {
      json,
      signal: controller.signal,
      progress(label, unit) {
        const bar = progressBar(label, unit, process.stderr.isTTY && !json);
        bars.push(bar);
        return bar;
      },
      print(value, lines) {
        process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${lines().join('\n')}\n`);
      },
    };
    let code: number;
    try {
      code = (await action(ctx, ...(args.slice(0, -1) as A))) ?? ExitCode.ok;
    } catch (e) {
      code = report(e, json);
    } finally {
      bars.forEach((b) => b.stop());
      process.off('SIGINT', onSigint);
    }
    process.exitCode = code;
  };
}

function report(e: unknown, json: boolean): number {
  if (e instanceof ApiError) {
    if (json) process.stdout.write(`${JSON.stringify({ error: e.toJSON() }, null, 2)}\n`);
    process.stderr.write(`kaso: ${e.message}\n`);
    return e.code === 'INVALID_INPUT' || e.code === 'NOT_FOUND' ? ExitCode.unusable : ExitCode.failed;
  }
  if (isDiskError(e)) {
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: e.code, file: e.file, message: e.message } }, null, 2)}\n`);
    process.stderr.write(`kaso: ${e.code === 'CANCELLED' ? `${e.file}: cancelled; nothing was left half-written` : e.message}\n`);
    return exitCodeFor(e.code);
  }
  const message = e instanceof Error ? e.message : String(e);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'INTERNAL', message } }, null, 2)}\n`);
  process.stderr.write(`kaso: ${message}\n`);
  if (process.env.KASO_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return ExitCode.failed;
}
