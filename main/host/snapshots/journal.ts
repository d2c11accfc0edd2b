import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { crashPoint, replaceAtomically } from '../../disk/index.js';
import type { VmFile } from '../../api/vm-settings.js';
import type { VmLibrary, VmRecord } from '../vm-library.js';

/** A step finished after the commit; each is idempotent, so recovery may run it again. */
export type AfterStep =
  | { kind: 'delete'; file: string }
  /** Make `to` hold the state file `from` (a hard link, or a copy where links do not work). */
  | { kind: 'install'; from: string; to: string };

/**
 * A snapshot operation as a write-ahead record: the files it makes before its commit (removed if the
 * commit never happened), and what it finishes after (done again if the host died before the end).
 * The commit is the one atomic write of the VM's file, which names the transaction it carries; so on
 * recovery, the VM's file says which side of the commit a crash fell on.
 */
export interface Transaction {
  id: string;
  operation: string;
  created: string[];
  after: AfterStep[];
}

export function journalPath(record: VmRecord): string {
  return path.join(record.folder, `${path.basename(record.configFile, '.kaso.json')}.kaso-journal`);
}

export async function begin(record: VmRecord, operation: string, created: string[], after: AfterStep[]): Promise<Transaction> {
  const tx: Transaction = { id: randomUUID(), operation, created, after };
  await replaceAtomically(journalPath(record), `${JSON.stringify(tx, null, 2)}\n`);
  return tx;
}

/** The commit point: the VM's new file, stamped with the transaction. */
export function commit(library: VmLibrary, record: VmRecord, tx: Transaction, file: VmFile): Promise<VmRecord> {
  return library.commit(record.id, { ...file, transaction: tx.id });
}

export async function finish(record: VmRecord, tx: Transaction): Promise<void> {
  for (const step of tx.after) {
    await runStep(step);
    crashPoint();
  }
  await fs.rm(journalPath(record), { force: true });
}

/** Undoes a transaction that never committed: removes what it made. */
export async function abandon(record: VmRecord, tx: Transaction): Promise<void> {
  // With what a creation interrupted half-way left (createAtomically's partial file).
  for (const file of tx.created) for (const f of [file, `${file}.kaso-partial`]) await fs.rm(f, { force: true });
  await fs.rm(journalPath(record), { force: true });
}

/** Finishes or undoes whatever a crash interrupted. Returns what it did, for the log. */
export async function recover(record: VmRecord): Promise<string | null> {
  const file = journalPath(record);
  if (!existsSync(file)) return null;
  let tx: Transaction;
  try {
    tx = JSON.parse(await fs.readFile(file, 'utf8')) as Transaction;
  } catch {
    // Written atomically, so unreadable means damaged by something else: nothing to act on safely.
    return `the journal ${file} cannot be read; left in place`;
  }
  if (record.file.transaction === tx.id) {
    await finish(record, tx);
    return `finished the interrupted ${tx.operation}`;
  }
  await abandon(record, tx);
  return `undid the interrupted ${tx.operation}`;
}

async function runStep(step: AfterStep): Promise<void> {
  if (step.kind === 'delete') {
    await fs.rm(step.file, { force: true });
    return;
  }
  if (!existsSync(step.from)) return; // done before, and the source since removed by a later step
  const temp = `${step.to}.kaso-partial`;
  await fs.rm(temp, { force: true });
  await fs.link(step.from, temp).catch(() => fs.copyFile(step.from, temp));
  await fs.rename(temp, step.to);
}
