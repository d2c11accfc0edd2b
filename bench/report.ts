/** Result rows, the printed table and the JSON summary. */
import { writeFileSync } from 'node:fs';
import { median } from './common.js';

export type Verdict = 'PASS' | 'FAIL' | 'info' | 'SKIP';

/** One side of a comparison: its samples (ms per run) and how to show them. */
export interface Side {
  label: string;
  samplesMs: number[];
  medianMs: number;
  /** Set for I/O measurements: work per run, for ops/s and MiB/s. */
  ops?: number;
  bytes?: number;
  /** What the samples measure when not milliseconds ('%', 'MiB', 'fps'). */
  unit?: string;
}

export interface Row {
  group: 'convert' | 'io' | 'create' | 'vm' | 'snapshots' | 'net' | 'qemu' | 'vnc' | 'nbd';
  name: string;
  kaso: Side;
  peer: Side | null;
  /** Higher is better for Kaso: peer time / Kaso time (both medians). The target is judged on this one. */
  ratio: number | null;
  /**
   * The median of the per-round ratios (each round runs both sides back to back): less swayed by the machine
   * getting slower or faster for a while than the ratio of medians. Shown to judge the noise, not judged.
   */
  perRound: number | null;
  /** The target, as text ("ratio >= 1.0", "kaso < 50 ms"), or null for an extra line. */
  target: string | null;
  verdict: Verdict;
  note?: string;
}

export function side(label: string, samplesMs: number[], work?: { ops: number; bytes: number }): Side {
  return { label, samplesMs: samplesMs.map(round3), medianMs: round3(median(samplesMs)), ...work };
}

/** A row judged on the ratio of medians (peer time / Kaso time) against `min`; extra lines are 'info'. */
export function ratioRow(
  group: Row['group'],
  name: string,
  kaso: Side,
  peer: Side,
  min: number | null,
  note?: string,
): Row {
  const ratio = round3(peer.medianMs / kaso.medianMs);
  return {
    group,
    name,
    kaso,
    peer,
    ratio,
    perRound: perRound(kaso, peer),
    target: min === null ? null : `ratio >= ${min.toFixed(1)}`,
    verdict: min === null ? 'info' : ratio >= min ? 'PASS' : 'FAIL',
    ...(note ? { note } : {}),
  };
}

/** A row judged on Kaso's own median time (the absolute limit), with the peer's ratio shown beside it. */
export function limitRow(group: Row['group'], name: string, kaso: Side, peer: Side | null, maxMs: number, note?: string): Row {
  return {
    group,
    name,
    kaso,
    peer,
    ratio: peer ? round3(peer.medianMs / kaso.medianMs) : null,
    perRound: peer ? perRound(kaso, peer) : null,
    target: `kaso < ${maxMs} ms`,
    verdict: kaso.medianMs < maxMs ? 'PASS' : 'FAIL',
    ...(note ? { note } : {}),
  };
}

function perRound(kaso: Side, peer: Side): number | null {
  const n = Math.min(kaso.samplesMs.length, peer.samplesMs.length);
  if (n === 0) return null;
  return round3(median(Array.from({ length: n }, (_, i) => peer.samplesMs[i]! / kaso.samplesMs[i]!)));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function showSide(s: Side | null): string {
  if (!s) return '-';
  if (s.unit && s.unit !== 'ms') return `${fmtNum(s.medianMs)} ${s.unit}`;
  if (s.ops !== undefined && s.bytes !== undefined) {
    const secs = s.medianMs / 1000;
    return `${fmtCount(s.ops / secs)} op/s ${fmtNum(s.bytes / secs / 2 ** 20)} MiB/s`;
  }
  return s.medianMs >= 1000 ? `${(s.medianMs / 1000).toFixed(2)} s` : `${s.medianMs.toFixed(1)} ms`;
}

function fmtCount(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0);
}

function fmtNum(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

const VERDICT_TEXT: Record<Verdict, string> = { PASS: 'PASS', FAIL: 'FAIL', info: '(extra)', SKIP: 'SKIP' };

export function printTable(rows: Row[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  const head = ['benchmark', 'kaso (median)', 'peer (median)', 'peer', 'ratio', 'per-round', 'target', 'result'];
  const body = rows.map((r) => [
    `${r.group}: ${r.name}`,
    showSide(r.kaso),
    showSide(r.peer),
    r.peer?.label ?? '-',
    r.ratio === null ? '-' : r.ratio.toFixed(2),
    r.perRound === null ? '-' : r.perRound.toFixed(2),
    r.target ?? '-',
    VERDICT_TEXT[r.verdict],
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => ((i >= 1 && i <= 2) || i === 4 || i === 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  out(line(head));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  let group = '';
  for (const [i, cells] of body.entries()) {
    if (rows[i]!.group !== group && group !== '') out('');
    group = rows[i]!.group;
    out(line(cells));
  }
  const notes = rows.filter((r) => r.note);
  if (notes.length > 0) {
    out('');
    out('Notes:');
    for (const r of notes) out(`  ${r.group}: ${r.name}: ${r.note}`);
  }
  const judged = rows.filter((r) => r.verdict === 'PASS' || r.verdict === 'FAIL');
  const passed = judged.filter((r) => r.verdict === 'PASS').length;
  out('');
  out(`Targets met: ${passed} of ${judged.length}` + (rows.some((r) => r.verdict === 'SKIP') ? ' (some skipped)' : ''));
  out('ratio = peer time / Kaso time, from the medians of runs alternated in this process (higher is better for Kaso);');
  out('targets are judged on it. per-round = median of the ratios of runs made back to back (a check on machine noise).');
}

export function writeJson(file: string, meta: Record<string, unknown>, rows: Row[]): void {
  const judged = rows.filter((r) => r.verdict === 'PASS' || r.verdict === 'FAIL');
  const summary = { targets: judged.length, passed: judged.filter((r) => r.verdict === 'PASS').length };
  writeFileSync(file, `${JSON.stringify({ ...meta, summary, rows }, null, 2)}\n`);
}
