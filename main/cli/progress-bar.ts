import { createRequire } from 'node:module';
import { formatBytes } from '../disk/index.js';

export interface ProgressBar {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A progress bar with time left, drawn on stderr only when it is a terminal (scripts and --json see none).
 * Some operations go through phases with their own totals: a new total starts the bar afresh.
 */
export function progressBar(label: string, unit: 'bytes' | 'blocks', enabled = process.stderr.isTTY): ProgressBar {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  // Loaded only for a terminal: scripts do not pay for it at start-up.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  const fmt = (v: number) => (unit === 'bytes' ? formatBytes(v) : `${v} blocks`);
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {done} of {all} | {eta_formatted} left`,
      hideCursor: true,
      etaBuffer: 50,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let currentTotal = -1;
  return {
    update(done, total) {
      if (!started || total !== currentTotal) {
        if (started) bar.stop();
        bar.start(total, done, { done: fmt(done), all: fmt(total) });
        started = true;
        currentTotal = total;
      }
      bar.update(done, { done: fmt(done), all: fmt(total) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
