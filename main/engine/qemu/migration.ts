import net from 'node:net';
import type { QmpClient, QmpEvent } from './qmp-client.js';
import { dial } from './qmp-client.js';

/** Migration to ourselves is a memory copy: QEMU's default cap (32 MiB/s) would only slow it down. */
const UNCAPPED_BYTES_PER_S = 64 * 1024 ** 3;

async function prepare(qmp: QmpClient): Promise<void> {
  await qmp.execute('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] });
  await qmp.execute('migrate-set-parameters', { 'max-bandwidth': UNCAPPED_BYTES_PER_S });
}

function finished(qmp: QmpClient): Promise<void> {
  return qmp
    .waitFor('MIGRATION', (e: QmpEvent) => ['completed', 'failed', 'cancelled'].includes(String(e.data?.status)))
    .then((e) => {
      if (e.data?.status !== 'completed') throw new Error(`QEMU's migration ${String(e.data?.status)}`);
    });
}

/**
 * The whole machine state of a stopped guest, as QEMU's migration stream: QEMU dials a socket this
 * process listens on (7.2 has no `file:` migration) and writes the state into it.
 */
export async function saveMachine(qmp: QmpClient, socketPath: string): Promise<Buffer> {
  await prepare(qmp);
  const chunks: Buffer[] = [];
  const server = net.createServer();
  const received = new Promise<void>((resolve, reject) => {
    server.once('connection', (s) => {
      s.on('data', (d: Buffer) => chunks.push(d));
      s.once('end', () => resolve());
      s.once('error', reject);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  try {
    const done = finished(qmp);
    await qmp.execute('migrate', { uri: `unix:${socketPath}` });
    await Promise.all([done, received]);
  } finally {
    server.close();
  }
  return Buffer.concat(chunks);
}

/** Loads a state written by saveMachine into a QEMU started with `-incoming defer`; the guest stays stopped. */
export async function loadMachine(qmp: QmpClient, socketPath: string, state: Uint8Array, isAlive: () => boolean): Promise<void> {
  await prepare(qmp);
  const done = finished(qmp);
  await qmp.execute('migrate-incoming', { uri: `unix:${socketPath}` });
  const s = await dial(socketPath, isAlive);
  s.on('error', () => {});
  s.end(state);
  await done;
}
