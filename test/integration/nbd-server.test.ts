import { ByteQueue } from '../../main/streams/byte-queue.js';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDifferencing,
  createDynamic,
  createFixed,
  DiskError,
  openDisk,
  type BlockDevice,
  type Disk,
} from '../../main/disk/index.js';
import {
  Command,
  CommandFlag,
  IHAVEOPT,
  Info,
  MAX_PAYLOAD,
  NbdErrno,
  Option,
  Reply,
  TransmissionFlag,
  decodeSimpleReply,
  encodeRequest,
} from '../../main/disk/nbd/nbd-protocol.js';
import { NbdServer } from '../../main/disk/nbd/nbd-server.js';
import { firstDifference, readAll } from '../helpers/model.js';
import { announceSkip, missingQemuImg } from '../helpers/peers.js';
import { pattern } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';

const missing = missingQemuImg();
announceSkip('NBD server with qemu peers', missing);

const KiB = 1024;
const MiB = 1024 * KiB;
const dir = tempDir('nbd');

/** Runs a peer tool without blocking the event loop (the server under test lives in this process). */
function tool(cmd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 64 * MiB }, (e, out, err) =>
      resolve({ code: e ? Number((e as { code?: unknown }).code ?? 1) || 1 : 0, out, err }),
    );
  });
}

async function mustRun(cmd: string, args: string[]): Promise<string> {
  const r = await tool(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.err}${r.out}`);
  return r.out;
}

let socketCount = 0;
const servers: NbdServer[] = [];
const opened: Disk[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(opened.splice(0).map((d) => d.close()));
});

async function serve(exports: Record<string, BlockDevice>, options: { readOnly?: string[]; maxBufferedBytes?: number } = {}) {
  const server = new NbdServer(options.maxBufferedBytes ? { maxBufferedBytes: options.maxBufferedBytes } : {});
  const warnings: string[] = [];
  server.on('warning', (m) => warnings.push(m));
  for (const [name, device] of Object.entries(exports)) server.addExport(name, device, { readOnly: options.readOnly?.includes(name) ?? false });
  const socket = path.join(dir, `s${socketCount++}.sock`);
  await server.listen(socket);
  servers.push(server);
  return { server, socket, warnings, url: (name: string) => `nbd+unix:///${name}?socket=${socket}` };
}

async function open(file: string, writable = true): Promise<Disk> {
  const d = await openDisk(file, { writable });
  opened.push(d);
  return d;
}

async function closeDisk(d: Disk): Promise<void> {
  opened.splice(opened.indexOf(d), 1);
  await d.close();
}

/** A qemu-io write: `byte` repeated, or zeros (`-z`, NBD_CMD_WRITE_ZEROES); `fua` sets NBD_CMD_FLAG_FUA. */
interface PatternWrite {
  offset: number;
  length: number;
  byte: number | 'zeros';
  fua?: boolean;
}

/** Writes through the NBD server with qemu-io, and the same into the model. */
async function writeWithQemuIo(url: string, writes: PatternWrite[], model: Uint8Array): Promise<void> {
  const cmds = writes.map((w) =>
    w.byte === 'zeros' ? `write -z ${w.offset} ${w.length}` : `write ${w.fua ? '-f ' : ''}-P ${w.byte} ${w.offset} ${w.length}`,
  );
  await mustRun('qemu-io', ['-f', 'raw', ...[...cmds, 'flush'].flatMap((c) => ['-c', c]), url]);
  for (const w of writes) model.fill(w.byte === 'zeros' ? 0 : w.byte, w.offset, w.offset + w.length);
}

/** Reads the written ranges back through the server with qemu-io, which exits non-zero on a mismatch. */
async function verifyWithQemuIo(url: string, writes: PatternWrite[], model: Uint8Array): Promise<void> {
  const cmds = writes.flatMap((w) => sameByteRuns(model, w.offset, w.length)).map((r) => `read -P ${r.byte} ${r.offset} ${r.length}`);
  await mustRun('qemu-io', ['-f', 'raw', '-r', ...cmds.flatMap((c) => ['-c', c]), url]);
}

/** [offset, offset+length) of the model cut where the byte value changes (later writes overlap earlier ones). */
function sameByteRuns(model: Uint8Array, offset: number, length: number): { offset: number; length: number; byte: number }[] {
  const runs: { offset: number; length: number; byte: number }[] = [];
  for (let at = offset; at < offset + length; ) {
    let end = at + 1;
    while (end < offset + length && model[end] === model[at]) end++;
    runs.push({ offset: at, length: end - at, byte: model[at]! });
    at = end;
  }
  return runs;
}

async function convertToRaw(source: string, format: 'raw' | 'vpc', name: string): Promise<Uint8Array> {
  const out = path.join(dir, `${name}.raw`);
  await mustRun('qemu-img', ['convert', '-f', format, '-O', 'raw', source, out]);
  return readFileSync(out);
}

/** Writes that cross block boundaries, start and end off sector boundaries, zero, use FUA and reach the last sector. */
function writesFor(size: number): PatternWrite[] {
  return [
    { offset: 0, length: MiB, byte: 0x11 },
    { offset: 2 * MiB - 3000, length: 7000, byte: 0x22 },
    { offset: 5 * MiB + 123, length: 4567, byte: 0x33, fua: true },
    { offset: 9 * MiB, length: 3 * MiB, byte: 0x44 },
    { offset: 10 * MiB + 512 * KiB, length: 64 * KiB, byte: 'zeros' },
    { offset: 256 * KiB, length: 4 * KiB, byte: 'zeros' },
    { offset: size - 512, length: 512, byte: 0x55 },
  ];
}

describe.skipIf(missing)('NBD server: qemu reads and writes Kaso disks through it', () => {
  it('(a) dynamic VHD: qemu-io writes land byte-exact (Kaso library and qemu vpc driver agree)', async () => {
    const file = path.join(dir, 'dynamic.vhd');
    await createDynamic(file, 24 * MiB);
    const disk = await open(file);
    const { server, url, warnings } = await serve({ disk0: disk });
    expect(await mustRun('qemu-img', ['info', url('disk0')])).toContain(`(${disk.size} bytes)`);
    const model = new Uint8Array(disk.size);
    const writes = writesFor(disk.size);
    await writeWithQemuIo(url('disk0'), writes, model);
    await verifyWithQemuIo(url('disk0'), writes, model);
    // TRIM is accepted and leaves the contents alone (the library has no discard).
    await mustRun('qemu-io', ['-f', 'raw', '-c', 'discard 0 64k', url('disk0')]);
    expect(firstDifference(await convertToRaw(url('disk0'), 'raw', 'dyn-nbd'), model)).toBe(-1);
    await server.close();
    await closeDisk(disk);
    const again = await open(file, false);
    expect(firstDifference(await readAll(again), model)).toBe(-1);
    expect(firstDifference(await convertToRaw(file, 'vpc', 'dyn-vpc'), model)).toBe(-1);
    expect(warnings).toEqual([]);
  });

  it('(b) 3-deep differencing chain: reads are the union of the levels, writes go to the top only', async () => {
    const files = ['base', 'mid', 'top'].map((n) => path.join(dir, `chain-${n}.vhd`));
    const size = 16 * MiB;
    await createDynamic(files[0]!, size, 512 * KiB);
    await createDifferencing(files[1]!, files[0]!);
    await createDifferencing(files[2]!, files[1]!);
    const levelWrites: [number, number][][] = [
      [[0, 8 * MiB], [12 * MiB + 100, 50_000]],
      [[1 * MiB, 2 * MiB], [6 * MiB + 512, 4096], [12 * MiB, 4096]],
      [[2 * MiB, 512 * KiB], [7 * MiB, 1000], [15 * MiB, MiB]],
    ];
    const models: Uint8Array[] = [];
    let model = new Uint8Array(0);
    for (const [level, file] of files.entries()) {
      const d = await open(file);
      model = level === 0 ? new Uint8Array(d.size) : model.slice();
      for (const [i, [offset, length]] of levelWrites[level]!.entries()) {
        const data = pattern(100 * level + i, length);
        await d.write(data, offset);
        model.set(data, offset);
      }
      models.push(model.slice());
      await closeDisk(d);
    }
    const top = await open(files[2]!);
    expect(top.kind).toBe('differencing');
    const { server, url } = await serve({ disk0: top });
    expect(firstDifference(await convertToRaw(url('disk0'), 'raw', 'chain-before'), model)).toBe(-1);
    const writes = writesFor(top.size);
    await writeWithQemuIo(url('disk0'), writes, model);
    await verifyWithQemuIo(url('disk0'), writes, model);
    expect(firstDifference(await convertToRaw(url('disk0'), 'raw', 'chain-after'), model)).toBe(-1);
    await server.close();
    await closeDisk(top);
    const again = await open(files[2]!, false);
    expect(firstDifference(await readAll(again), model)).toBe(-1);
    for (const level of [0, 1]) {
      const below = await open(files[level]!, false);
      expect(firstDifference(await readAll(below), models[level]!), `level ${level} must be untouched`).toBe(-1);
    }
  });

  it('(c) fixed VHD: qemu-io writes land byte-exact', async () => {
    const file = path.join(dir, 'fixed.vhd');
    await createFixed(file, 16 * MiB);
    const disk = await open(file);
    const { server, url } = await serve({ disk0: disk });
    const model = new Uint8Array(disk.size);
    await writeWithQemuIo(url('disk0'), writesFor(disk.size), model);
    expect(firstDifference(await convertToRaw(url('disk0'), 'raw', 'fixed-nbd'), model)).toBe(-1);
    await server.close();
    await closeDisk(disk);
    expect(firstDifference(await convertToRaw(file, 'vpc', 'fixed-vpc'), model)).toBe(-1);
    expect(firstDifference(await readAll(await open(file, false)), model)).toBe(-1);
  });

  it('a read-only export refuses writes (qemu cannot open it writable; a raw WRITE gets EPERM)', async () => {
    const file = path.join(dir, 'ro.vhd');
    await createDynamic(file, 8 * MiB);
    const w = await open(file);
    await w.write(new Uint8Array(4096).fill(0x5a), 0);
    await closeDisk(w);
    const disk = await open(file);
    const { url, socket } = await serve({ ro: disk, alsoRo: await open(file, false) }, { readOnly: ['ro'] });
    const refused = await tool('qemu-io', ['-f', 'raw', '-c', 'write -P 1 0 4k', url('ro')]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/Permission denied|read-only/i);
    await mustRun('qemu-io', ['-f', 'raw', '-r', '-c', 'read -P 0x5a 0 4k', url('ro')]);
    for (const name of ['ro', 'alsoRo']) {
      const c = await RawClient.connect(socket);
      const info = await c.go(name);
      expect(info.flags & TransmissionFlag.READ_ONLY).toBeTruthy();
      expect((await c.call(Command.WRITE, 0, 4096, { data: Buffer.alloc(4096, 1) })).error).toBe(NbdErrno.EPERM);
      expect((await c.call(Command.WRITE_ZEROES, 0, 4096)).error).toBe(NbdErrno.EPERM);
      expect((await c.call(Command.READ, 0, 4096)).data!.every((b) => b === 0x5a)).toBe(true);
      c.socket.destroy();
    }
    const check = Buffer.alloc(4096);
    await disk.read(check, 0);
    expect(check.every((b) => b === 0x5a)).toBe(true);
  });

  it('NBD_OPT_LIST lists every export (qemu-nbd --list)', async () => {
    const a = path.join(dir, 'list-a.vhd');
    await createDynamic(a, 8 * MiB);
    const { socket } = await serve({ disk0: await open(a), 'second disk': await open(a, false) });
    const out = await mustRun('qemu-nbd', ['--list', '-k', socket]);
    expect(out).toMatch(/exports available: 2/);
    expect(out).toContain("export: 'disk0'");
    expect(out).toContain("export: 'second disk'");
    expect(out).toMatch(/min block: 1\s+opt block: 4096\s+max block: 33554432/);
  });
});

describe('NBD server: swapping the device under connected clients', () => {
  it('snapshot flow: a new differencing child takes over; the client sees old data below and writes on top', async () => {
    const base = path.join(dir, 'swap-base.vhd');
    const child = path.join(dir, 'swap-child.vhd');
    await createDynamic(base, 8 * MiB);
    const old = await open(base);
    const { server, socket } = await serve({ disk0: old });
    const c = await RawClient.connect(socket);
    await c.go('disk0');
    const before = Buffer.from(pattern(1, 64 * KiB));
    expect((await c.call(Command.WRITE, 0, before.length, { data: before })).error).toBe(0);

    // Guest paused (no requests in flight), disk flushed, child created and opened, then swapped in.
    await server.drained('disk0');
    await old.flush();
    await createDifferencing(child, base);
    const next = await open(child);
    expect(await server.replaceDevice('disk0', next)).toBe(old);
    await closeDisk(old);

    expect((await c.call(Command.READ, 0, before.length)).data!.equals(before)).toBe(true);
    const after = Buffer.from(pattern(2, 8 * KiB));
    expect((await c.call(Command.WRITE, MiB, after.length, { data: after })).error).toBe(0);
    expect((await c.call(Command.FLUSH, 0, 0)).error).toBe(0);
    expect((await c.call(Command.READ, MiB, after.length)).data!.equals(after)).toBe(true);
    c.socket.destroy();

    const frozen = await open(base, false);
    const probe = Buffer.alloc(after.length);
    await frozen.read(probe, MiB);
    expect(probe.every((b) => b === 0)).toBe(true);
  });

  it('waits for requests in flight on the old device (and flushes it) before the new one serves anything', async () => {
    const log: string[] = [];
    const old = new MemoryDevice('old', MiB, 0xaa, log, 40);
    const next = new MemoryDevice('new', MiB, 0xbb, log, 0);
    const { server, socket } = await serve({ d: old });
    const c = await RawClient.connect(socket);
    await c.go('d');
    c.send(Command.WRITE, 0, 512, { data: Buffer.alloc(512, 0xaa) });
    for (let i = 0; i < 8; i++) c.send(Command.READ, i * 4096, 4096);
    await until(() => log.filter((l) => l === 'old read start').length === 8);

    const swapped = server.replaceDevice('d', next);
    for (let i = 0; i < 4; i++) c.send(Command.READ, i * 4096, 4096);
    const replies = await Promise.all(Array.from({ length: 13 }, () => c.reply()));
    expect(await swapped).toBe(old);
    expect(replies.every((r) => r.error === 0)).toBe(true);
    const reads = replies.filter((r) => r.data);
    expect(reads.slice(0, 8).every((r) => r.data!.every((b) => b === 0xaa))).toBe(true);
    expect(reads.slice(8).every((r) => r.data!.every((b) => b === 0xbb))).toBe(true);
    const firstNew = log.indexOf('new read start');
    expect(log.lastIndexOf('old read end')).toBeLessThan(firstNew);
    expect(log.indexOf('old flush')).toBeGreaterThan(log.lastIndexOf('old read end'));
    expect(log.indexOf('old flush')).toBeLessThan(firstNew);
    await server.drained();
    c.socket.destroy();
  });

  it('refuses a device of another size, or a read-only one for a writable export', async () => {
    const { server } = await serve({ d: new MemoryDevice('a', MiB, 0, [], 0) });
    await expect(server.replaceDevice('d', new MemoryDevice('b', 2 * MiB, 0, [], 0))).rejects.toThrow(/bytes/);
    await expect(server.replaceDevice('d', Object.assign(new MemoryDevice('c', MiB, 0, [], 0), { readOnly: true }))).rejects.toThrow(/read-only/);
    await expect(server.replaceDevice('nope', new MemoryDevice('d', MiB, 0, [], 0))).rejects.toThrow(/no NBD export/);
  });
});

describe('NBD server: requests', () => {
  it('pipelined writes and reads of the same range: every read sees the write sent before it', async () => {
    const file = path.join(dir, 'pipeline.vhd');
    await createDynamic(file, 8 * MiB, 512 * KiB);
    const disk = await open(file);
    const { socket } = await serve({ disk0: disk });
    const c = await RawClient.connect(socket);
    await c.go('disk0');
    const expected = new Map<bigint, Buffer>();
    for (let i = 0; i < 60; i++) {
      const offset = (i % 7) * 300_000 + (i % 3) * 512;
      const data = Buffer.from(pattern(500 + i, 4096 + (i % 5) * 1000));
      c.send(Command.WRITE, offset, data.length, { data, flags: i % 10 === 0 ? CommandFlag.FUA : 0 });
      expected.set(c.send(Command.READ, offset, data.length), data);
    }
    const replies = await Promise.all(Array.from({ length: 120 }, () => c.reply()));
    expect(replies.every((r) => r.error === 0)).toBe(true);
    for (const r of replies.filter((x) => x.data)) expect(r.data!.equals(expected.get(r.handle)!)).toBe(true);
    c.send(Command.DISC, 0, 0);
    await c.closed;
  });

  it('out-of-range and oversized requests get EINVAL and the connection carries on', async () => {
    const file = path.join(dir, 'range.vhd');
    await createDynamic(file, 8 * MiB);
    const disk = await open(file);
    const { socket, warnings } = await serve({ disk0: disk });
    const c = await RawClient.connect(socket);
    const { size } = await c.go('disk0');
    expect(size).toBe(disk.size);
    expect((await c.call(Command.READ, size, 512)).error).toBe(NbdErrno.EINVAL);
    expect((await c.call(Command.READ, size - 512, 1024)).error).toBe(NbdErrno.EINVAL);
    expect((await c.call(Command.READ, 2 ** 53, 512)).error).toBe(NbdErrno.EINVAL);
    expect((await c.call(Command.WRITE, size, 512, { data: Buffer.alloc(512) })).error).toBe(NbdErrno.EINVAL);
    expect((await c.call(Command.READ, 0, MAX_PAYLOAD + 1)).error).toBe(NbdErrno.EINVAL);
    // An oversized write's payload is read and dropped, so the next request still parses.
    expect((await c.call(Command.WRITE, 0, MAX_PAYLOAD + 4096, { data: Buffer.alloc(MAX_PAYLOAD + 4096, 7) })).error).toBe(NbdErrno.EINVAL);
    expect((await c.call(Command.BLOCK_STATUS, 0, 512)).error).toBe(NbdErrno.EINVAL);
    expect((await c.call(Command.READ, 0, 512, { flags: CommandFlag.DF })).error).toBe(NbdErrno.EINVAL);
    const ok = await c.call(Command.READ, size - 512, 512);
    expect(ok.error).toBe(0);
    expect(ok.data!.length).toBe(512);
    expect(warnings.length).toBeGreaterThanOrEqual(8);
    expect(warnings.join('\n')).toMatch(/outside the export/);
    c.socket.destroy();
  });

  it('an I/O error from the device is EIO, with a warning naming the file', async () => {
    const broken = new MemoryDevice('broken', MiB, 0, [], 0);
    broken.read = () => Promise.reject(new DiskError('IO', '/disks/broken.vhd', 'reading data failed: input/output error'));
    const { socket, warnings } = await serve({ d: broken });
    const c = await RawClient.connect(socket);
    await c.go('d');
    expect((await c.call(Command.READ, 0, 4096)).error).toBe(NbdErrno.EIO);
    expect((await c.call(Command.WRITE, 0, 4096, { data: Buffer.alloc(4096) })).error).toBe(0);
    expect(warnings.some((w) => w.includes('/disks/broken.vhd') && w.includes('input/output error'))).toBe(true);
    c.socket.destroy();
  });

  it('WRITE_ZEROES and TRIM cover more than the payload limit; FUA flushes', async () => {
    const log: string[] = [];
    const dev = new MemoryDevice('m', 40 * MiB, 0xee, log, 0);
    const { socket } = await serve({ d: dev });
    const c = await RawClient.connect(socket);
    await c.go('d');
    expect((await c.call(Command.WRITE_ZEROES, 100, 34 * MiB, { flags: CommandFlag.FUA | CommandFlag.NO_HOLE })).error).toBe(0);
    expect(dev.data.subarray(100, 100 + 34 * MiB).every((b) => b === 0)).toBe(true);
    expect(dev.data[99]).toBe(0xee);
    expect(dev.data[100 + 34 * MiB]).toBe(0xee);
    expect(log.at(-1)).toBe('m flush');
    expect((await c.call(Command.TRIM, 0, 40 * MiB)).error).toBe(0);
    expect(dev.data[0]).toBe(0xee);
    c.socket.destroy();
  });

  it('backpressure: a client that does not read its replies stops the server reading its requests', async () => {
    const log: string[] = [];
    const dev = new MemoryDevice('slow-client', 64 * MiB, 1, log, 0);
    const { socket } = await serve({ d: dev }, { maxBufferedBytes: 2 * MiB });
    const c = await RawClient.connect(socket);
    await c.go('d');
    c.socket.pause();
    for (let i = 0; i < 48; i++) c.send(Command.READ, i * MiB, MiB);
    await sleep(300);
    const issued = log.filter((l) => l === 'slow-client read start').length;
    expect(issued).toBeLessThanOrEqual(4);
    c.socket.resume();
    const replies = await Promise.all(Array.from({ length: 48 }, () => c.reply()));
    expect(replies.every((r) => r.error === 0 && r.data!.length === MiB)).toBe(true);
    c.socket.destroy();
  });
});

describe.skipIf(missing)('NBD server: bad clients do not hurt the server', () => {
  it('garbage handshakes and a bad request are hung up on with a warning; qemu still gets served', async () => {
    const file = path.join(dir, 'garbage.vhd');
    await createDynamic(file, 8 * MiB);
    const { socket, warnings, url } = await serve({ disk0: await open(file) });

    const http = await RawClient.connect(socket);
    await http.bytes(18);
    http.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await http.closed;

    const garbageOption = await RawClient.connect(socket);
    await garbageOption.bytes(18);
    garbageOption.socket.write(Buffer.concat([u32(3), Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]));
    await garbageOption.closed;

    const badFlags = await RawClient.connect(socket);
    await badFlags.bytes(18);
    badFlags.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await badFlags.closed;

    const badRequest = await RawClient.connect(socket);
    await badRequest.go('disk0');
    badRequest.socket.write(Buffer.alloc(28, 0x41));
    await badRequest.closed;

    const unknownName = await RawClient.connect(socket);
    await unknownName.bytes(18);
    unknownName.socket.write(Buffer.concat([u32(3), optionBytes(Option.EXPORT_NAME, Buffer.from('nope'))]));
    await unknownName.closed;

    const unsupported = await RawClient.connect(socket);
    await unsupported.bytes(18);
    unsupported.socket.write(Buffer.concat([u32(3), optionBytes(Option.STRUCTURED_REPLY, Buffer.alloc(0))]));
    expect((await unsupported.optionReply()).type).toBe(Reply.ERR_UNSUP);
    unsupported.socket.write(optionBytes(Option.GO, infoData('nope')));
    expect((await unsupported.optionReply()).type).toBe(Reply.ERR_UNKNOWN);
    unsupported.socket.write(optionBytes(Option.ABORT, Buffer.alloc(0)));
    expect((await unsupported.optionReply()).type).toBe(Reply.ACK);
    await unsupported.closed;

    expect(warnings.join('\n')).toMatch(/IHAVEOPT/);
    expect(warnings.join('\n')).toMatch(/unknown handshake flags/);
    expect(warnings.join('\n')).toMatch(/expected a request/);
    expect(warnings.join('\n')).toMatch(/unknown export "nope"/);
    expect(await mustRun('qemu-img', ['info', url('disk0')])).toContain('virtual size');
  });

  it('removeExport disconnects its clients, returns its device, and the name is gone for new clients', async () => {
    const dev = new MemoryDevice('gone', MiB, 3, [], 0);
    const { server, socket } = await serve({ gone: dev, stays: new MemoryDevice('stays', MiB, 4, [], 0) });
    const c = await RawClient.connect(socket);
    await c.go('gone');
    expect(await server.removeExport('gone')).toBe(dev);
    await c.closed;
    expect(server.exportNames()).toEqual(['stays']);
    const late = await RawClient.connect(socket);
    await late.bytes(18);
    late.socket.write(Buffer.concat([u32(3), optionBytes(Option.GO, infoData('gone'))]));
    expect((await late.optionReply()).type).toBe(Reply.ERR_UNKNOWN);
    late.socket.destroy();
  });

  it('listens over a socket file a dead server left behind, but never over a live server or another file', async () => {
    const stale = path.join(dir, 'stale.sock');
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`]);
    await new Promise((r) => child.stdout.once('data', r));
    const { server: rival } = await serve({});
    await expect(rival.listen(stale)).rejects.toThrow(/already listens/);
    const blocked = new NbdServer();
    await expect(blocked.listen(stale)).rejects.toThrow(/another server is listening/);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const revived = new NbdServer();
    servers.push(revived);
    await revived.listen(stale);
    const notSocket = path.join(dir, 'not-a-socket');
    writeFileSync(notSocket, 'keep me');
    await expect(new NbdServer().listen(notSocket)).rejects.toThrow(/not a socket/);
    expect(readFileSync(notSocket, 'utf8')).toBe('keep me');
  });

  it('close() ends connected clients and leaves the devices open', async () => {
    const file = path.join(dir, 'close.vhd');
    await createDynamic(file, 8 * MiB);
    const disk = await open(file);
    const { server, socket } = await serve({ disk0: disk });
    const c = await RawClient.connect(socket);
    await c.go('disk0');
    await server.close();
    await c.closed;
    const b = Buffer.alloc(512);
    await disk.read(b, 0);
    const late = await tool('qemu-img', ['info', `nbd+unix:///disk0?socket=${socket}`]);
    expect(late.code).not.toBe(0);
  });
});

/** An in-memory device with a delay and a log of what it did, to watch the order of requests. */
class MemoryDevice implements BlockDevice {
  readOnly = false;
  readonly data: Uint8Array;

  constructor(
    readonly label: string,
    readonly size: number,
    fill: number,
    private readonly log: string[],
    private readonly delayMs: number,
  ) {
    this.data = new Uint8Array(size).fill(fill);
  }

  async read(buffer: Uint8Array, offset: number): Promise<void> {
    this.log.push(`${this.label} read start`);
    await sleep(this.delayMs);
    buffer.set(this.data.subarray(offset, offset + buffer.length));
    this.log.push(`${this.label} read end`);
  }

  async write(data: Uint8Array, offset: number): Promise<void> {
    this.data.set(data, offset);
    this.log.push(`${this.label} write`);
  }

  async flush(): Promise<void> {
    this.log.push(`${this.label} flush`);
  }

  async close(): Promise<void> {}

  mayHoldData(): boolean {
    return true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await sleep(10);
  expect(condition()).toBe(true);
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v, 0);
  return b;
}

function optionBytes(option: number, data: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeBigUInt64BE(IHAVEOPT, 0);
  h.writeUInt32BE(option, 8);
  h.writeUInt32BE(data.length, 12);
  return Buffer.concat([h, data]);
}

function infoData(name: string): Buffer {
  const n = Buffer.from(name);
  return Buffer.concat([u32(n.length), n, Buffer.from([0, 1, 0, Info.BLOCK_SIZE])]);
}

interface ReplyRecord {
  handle: bigint;
  error: number;
  data?: Buffer;
}

/** A minimal NBD client: enough to drive the server where qemu's tools cannot (mid-connection swaps, garbage). */
class RawClient {
  private readonly queue = new ByteQueue();
  private wake: (() => void) | null = null;
  private ended = false;
  private nextHandle = 1n;
  private readonly readLengths = new Map<bigint, number>();
  private reading: Promise<unknown> = Promise.resolve();
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      this.wake?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.ended = true;
        this.wake?.();
        resolve();
      }),
    );
  }

  static connect(socketPath: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(socketPath, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  async bytes(n: number): Promise<Buffer> {
    while (this.queue.length < n) {
      if (this.ended) throw new Error(`connection closed with ${this.queue.length} of ${n} bytes`);
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
    return this.queue.take(n);
  }

  async optionReply(): Promise<{ type: number; data: Buffer }> {
    const h = await this.bytes(20);
    return { type: h.readUInt32BE(12), data: await this.bytes(h.readUInt32BE(16)) };
  }

  /** Negotiates with NBD_OPT_GO; returns the export's size and transmission flags. */
  async go(name: string): Promise<{ size: number; flags: number }> {
    await this.bytes(18);
    this.socket.write(Buffer.concat([u32(3), optionBytes(Option.GO, infoData(name))]));
    let info = { size: -1, flags: 0 };
    for (;;) {
      const r = await this.optionReply();
      if (r.type === Reply.ACK) return info;
      if (r.type !== Reply.INFO) throw new Error(`GO refused: ${r.type.toString(16)} ${r.data.toString()}`);
      if (r.data.readUInt16BE(0) === Info.EXPORT) info = { size: Number(r.data.readBigUInt64BE(2)), flags: r.data.readUInt16BE(10) };
    }
  }

  send(type: number, offset: number, length: number, options: { data?: Buffer; flags?: number } = {}): bigint {
    const handle = this.nextHandle++;
    if (type === Command.READ) this.readLengths.set(handle, length);
    this.socket.write(encodeRequest({ type, offset, length, handle, flags: options.flags ?? 0 }));
    if (options.data) this.socket.write(options.data);
    return handle;
  }

  /** The next reply, whichever request it answers (replies are read one at a time, in arrival order). */
  reply(): Promise<ReplyRecord> {
    const next = this.reading.then(() => this.readReply());
    this.reading = next.catch(() => undefined);
    return next;
  }

  async call(type: number, offset: number, length: number, options: { data?: Buffer; flags?: number } = {}): Promise<ReplyRecord> {
    this.send(type, offset, length, options);
    return this.reply();
  }

  private async readReply(): Promise<ReplyRecord> {
    const { error, handle } = decodeSimpleReply(await this.bytes(16));
    const length = this.readLengths.get(handle);
    this.readLengths.delete(handle);
    if (length === undefined || error !== 0) return { handle, error };
    return { handle, error, data: await this.bytes(length) };
  }
}
