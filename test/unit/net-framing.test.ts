import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { BROADCAST_MAC, udpFrame } from '../../main/net/frame.js';
import { ipToInt } from '../../main/net/ipv4.js';
import { PcapWriter } from '../../main/net/pcap-writer.js';
import { encodeFrame, FrameReader, MAX_STREAM_FRAME } from '../../main/net/stream-framing.js';
import { framesOf } from '../helpers/pcap.js';
import { pattern, randomInt, rng } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A reader that keeps what it hands out. */
function reader() {
  const frames: Uint8Array[] = [];
  const corrupt: string[] = [];
  const r = new FrameReader(
    (f) => frames.push(f),
    (why) => corrupt.push(why),
  );
  return { r, frames, corrupt };
}

const hex = (frames: Uint8Array[]) => frames.map((f) => Buffer.from(f).toString('hex'));

/** Frames of the sizes a link sees: empty, tiny, minimum Ethernet, full, jumbo, the largest allowed. */
const FRAMES = [0, 1, 60, 1514, 9018, MAX_STREAM_FRAME].map((size, i) => pattern(100 + i, size));
const STREAM = Buffer.concat(FRAMES.map(encodeFrame));

describe('stream framing', () => {
  it('puts each frame behind its length as 32-bit big-endian', () => {
    expect(encodeFrame(Uint8Array.of(0xaa, 0xbb, 0xcc))).toEqual(Buffer.from([0, 0, 0, 3, 0xaa, 0xbb, 0xcc]));
    expect(encodeFrame(new Uint8Array(0x012345)).subarray(0, 4)).toEqual(Buffer.from([0, 0x01, 0x23, 0x45]));
    expect(encodeFrame(new Uint8Array(0))).toEqual(Buffer.from([0, 0, 0, 0]));
  });

  it('decodes a stream that arrives in one chunk', () => {
    const { r, frames, corrupt } = reader();
    r.push(STREAM);
    expect(hex(frames)).toEqual(hex(FRAMES));
    expect(corrupt).toEqual([]);
  });

  it('decodes the same frames however the stream is split in two, at every byte boundary', () => {
    const small = Buffer.concat([0, 1, 60, 7].map((n, i) => encodeFrame(pattern(i, n))));
    const expected = hex([0, 1, 60, 7].map((n, i) => pattern(i, n)));
    for (let cut = 0; cut <= small.length; cut++) {
      const { r, frames, corrupt } = reader();
      r.push(small.subarray(0, cut));
      r.push(small.subarray(cut));
      expect(hex(frames), `cut at ${cut}`).toEqual(expected);
      expect(corrupt).toEqual([]);
    }
  });

  it('decodes the same frames when the stream comes one byte at a time, or in random chunks', () => {
    const bytes = reader();
    const upToFull = FRAMES.slice(0, 4); // not the jumbo ones: byte by byte, that is a lot of pushes
    const stream = Buffer.concat(upToFull.map(encodeFrame));
    for (let i = 0; i < stream.length; i++) bytes.r.push(stream.subarray(i, i + 1));
    expect(hex(bytes.frames)).toEqual(hex(upToFull));

    const next = rng(7);
    for (let round = 0; round < 20; round++) {
      const { r, frames, corrupt } = reader();
      for (let at = 0; at < STREAM.length; ) {
        const n = 1 + randomInt(next, 20_000);
        r.push(STREAM.subarray(at, at + n));
        at += n;
      }
      expect(hex(frames)).toEqual(hex(FRAMES));
      expect(corrupt).toEqual([]);
    }
  });

  it('hands out copies: a chunk reused after push does not change the frames already delivered', () => {
    const { r, frames } = reader();
    const chunk = Buffer.from(encodeFrame(Uint8Array.of(1, 2, 3)));
    r.push(chunk);
    chunk.fill(0xee);
    expect([...frames[0]!]).toEqual([1, 2, 3]);

    // And a frame whose start waited in the reader is not changed by reuse of its first chunk either.
    const split = reader();
    const whole = encodeFrame(Uint8Array.of(4, 5, 6, 7));
    const first = Buffer.from(whole.subarray(0, 6));
    split.r.push(first);
    first.fill(0xee);
    split.r.push(Buffer.from(whole.subarray(6)));
    expect([...split.frames[0]!]).toEqual([4, 5, 6, 7]);
  });

  it(`reports a length over ${MAX_STREAM_FRAME} as corruption, after handing out the frames before it`, () => {
    const { r, frames, corrupt } = reader();
    const bad = Buffer.alloc(4);
    bad.writeUInt32BE(MAX_STREAM_FRAME + 1);
    r.push(Buffer.concat([encodeFrame(Uint8Array.of(9)), bad, encodeFrame(Uint8Array.of(8))]));
    expect(hex(frames)).toEqual(['09']);
    expect(corrupt).toHaveLength(1);
    expect(corrupt[0]).toContain(String(MAX_STREAM_FRAME + 1));
  });

  it('reports corruption when the bad length itself arrives split across chunks', () => {
    const { r, frames, corrupt } = reader();
    const bad = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    r.push(bad.subarray(0, 2));
    expect(corrupt).toEqual([]);
    r.push(bad.subarray(2));
    expect(corrupt).toHaveLength(1);
    expect(frames).toEqual([]);
  });
});

describe('PcapWriter', () => {
  const dir = tempDir('pcap');
  const GUEST = '02:6b:61:00:00:0a';
  const GATEWAY = '02:6b:67:00:00:01';
  const dns = udpFrame(GATEWAY, GUEST, ipToInt('10.0.2.15'), ipToInt('10.0.2.1'), 40000, 53, new TextEncoder().encode('query'));
  const dhcp = udpFrame(BROADCAST_MAC, GUEST, 0, 0xffffffff, 68, 67, new Uint8Array(300));
  const T0 = 1_700_000_000_123.5; // ms: 1700000000 s and 123500 µs

  async function capture(name: string, frames: [Uint8Array, number][]): Promise<{ file: string; writer: PcapWriter }> {
    const file = path.join(dir, name);
    const writer = new PcapWriter(file);
    for (const [f, at] of frames) writer.write(f, at);
    await writer.close();
    return { file, writer };
  }

  it('writes a classic little-endian pcap: version 2.4, microseconds, snaplen 65535, Ethernet', async () => {
    const { file, writer } = await capture('header.pcap', [
      [dns, T0],
      [dhcp, T0 + 1000.25],
    ]);
    expect(writer.frames).toBe(2);
    expect(writer.error).toBeNull();
    const data = readFileSync(file);
    expect(data.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect([data.readUInt16LE(4), data.readUInt16LE(6)]).toEqual([2, 4]);
    expect([data.readInt32LE(8), data.readUInt32LE(12)]).toEqual([0, 0]); // GMT, no accuracy claim
    expect(data.readUInt32LE(16)).toBe(65535);
    expect(data.readUInt32LE(20)).toBe(1);

    const records: { sec: number; usec: number; incl: number; orig: number }[] = [];
    for (let at = 24; at < data.length; ) {
      const r = { sec: data.readUInt32LE(at), usec: data.readUInt32LE(at + 4), incl: data.readUInt32LE(at + 8), orig: data.readUInt32LE(at + 12) };
      records.push(r);
      at += 16 + r.incl;
    }
    expect(records).toEqual([
      { sec: 1_700_000_000, usec: 123_500, incl: dns.length, orig: dns.length },
      { sec: 1_700_000_001, usec: 123_750, incl: dhcp.length, orig: dhcp.length },
    ]);
    expect(data.length).toBe(24 + 2 * 16 + dns.length + dhcp.length);
    expect(framesOf(data).map((f) => [f.src, f.dst, f.data.toString('hex')])).toEqual([
      [GUEST, GATEWAY, Buffer.from(dns).toString('hex')],
      [GUEST, BROADCAST_MAC, Buffer.from(dhcp).toString('hex')],
    ]);
  });

  it('keeps what a frame held when written, whatever the caller does with the buffer afterwards', async () => {
    const reused = Uint8Array.from(dns);
    const file = path.join(dir, 'copy.pcap');
    const writer = new PcapWriter(file);
    writer.write(reused, T0);
    reused.fill(0);
    await writer.close();
    expect(framesOf(readFileSync(file))[0]!.data).toEqual(Buffer.from(dns));
  });

  it('writes a valid empty capture when no frame came', async () => {
    const { file, writer } = await capture('empty.pcap', []);
    expect(writer.frames).toBe(0);
    expect(readFileSync(file)).toHaveLength(24);
  });

  it('reports a file it cannot create as its error, and writes nothing after', async () => {
    const writer = new PcapWriter(path.join(dir, 'no such folder', 'x.pcap'));
    await writer.close();
    await vi.waitFor(() => expect(writer.error).toMatch(/ENOENT/));
    writer.write(dns, T0);
    expect(writer.frames).toBe(0);
  });

  const tool = ['tcpdump', 'tshark'].find((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
  it.skipIf(!tool)(`is read back by ${tool ?? 'tshark or tcpdump (neither installed)'} with the same frames, times and checksums`, async () => {
    const { file } = await capture('tool.pcap', [
      [dns, T0],
      [dhcp, T0 + 1000.25],
    ]);
    const args = tool === 'tshark' ? ['-r', file, '-n', '-t', 'e', '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'eth.src', '-e', 'eth.dst', '-e', 'ip.src', '-e', 'udp.dstport', '-e', 'frame.len'] : ['-r', file, '-nn', '-e', '-tt', '-vv'];
    const out = spawnSync(tool!, args, { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const lines = out.stdout.trim().split('\n');
    if (tool === 'tshark') {
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^1700000000\.1235\d*\t02:6b:61:00:00:0a\t02:6b:67:00:00:01\t10\.0\.2\.15\t53\t47$/);
      expect(lines[1]).toMatch(/^1700000001\.12375\d*\t02:6b:61:00:00:0a\tff:ff:ff:ff:ff:ff\t0\.0\.0\.0\t67\t342$/);
    } else {
      const packets = lines.filter((l) => /^\d+\.\d{6} /.test(l));
      expect(packets).toHaveLength(2);
      expect(packets[0]).toMatch(/^1700000000\.123500 02:6b:61:00:00:0a > 02:6b:67:00:00:01, ethertype IPv4 .*length 47:/);
      expect(packets[1]).toMatch(/^1700000001\.123750 02:6b:61:00:00:0a > ff:ff:ff:ff:ff:ff, ethertype IPv4 .*length 342:/);
      expect(out.stdout).toContain('10.0.2.15.40000 > 10.0.2.1.53: [udp sum ok]');
      expect(out.stdout).toContain('0.0.0.0.68 > 255.255.255.255.67: [udp sum ok]');
      expect(out.stdout).not.toMatch(/bad cksum|truncated/i);
    }
  });
});
