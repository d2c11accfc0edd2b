import { ByteQueue } from '../../main/streams/byte-queue.js';
import { describe, expect, it } from 'vitest';
import {
  Command,
  CommandFlag,
  IHAVEOPT,
  Info,
  MAX_OPTION_DATA,
  MAX_PAYLOAD,
  NBDMAGIC,
  NbdErrno,
  NbdProtocolError,
  OPTION_REPLY_MAGIC,
  Option,
  Reply,
  TransmissionFlag,
  answerOption,
  answerOversizedOption,
  decodeClientFlags,
  decodeInfoRequest,
  decodeOptionHeader,
  decodeRequest,
  decodeSimpleReply,
  encodeGreeting,
  encodeRequest,
  encodeSimpleReply,
  requestProblem,
  transmissionFlagsFor,
  type ExportSummary,
  type NegotiationContext,
  type Request,
} from '../../main/disk/nbd/nbd-protocol.js';

const DISK0: ExportSummary = { name: 'disk0', size: 64 * 1024 * 1024, transmissionFlags: transmissionFlagsFor(false) };
const CD: ExportSummary = { name: 'cd', size: 4096, transmissionFlags: transmissionFlagsFor(true), description: 'install media' };

function context(noZeroes = true): NegotiationContext {
  const all = [DISK0, CD];
  return { noZeroes, find: (n) => all.find((e) => e.name === n), list: () => all };
}

interface ParsedReply {
  option: number;
  type: number;
  data: Buffer;
}

/** Splits the bytes of fixed-newstyle option replies back into replies. */
function parseOptionReplies(buffers: Buffer[]): ParsedReply[] {
  const all = Buffer.concat(buffers);
  const out: ParsedReply[] = [];
  for (let at = 0; at < all.length; ) {
    expect(all.readBigUInt64BE(at)).toBe(OPTION_REPLY_MAGIC);
    const length = all.readUInt32BE(at + 16);
    out.push({ option: all.readUInt32BE(at + 8), type: all.readUInt32BE(at + 12), data: all.subarray(at + 20, at + 20 + length) });
    at += 20 + length;
  }
  return out;
}

function infoRequest(name: string, infos: number[] = []): Buffer {
  const n = Buffer.from(name);
  const b = Buffer.alloc(4 + n.length + 2 + 2 * infos.length);
  b.writeUInt32BE(n.length, 0);
  n.copy(b, 4);
  b.writeUInt16BE(infos.length, 4 + n.length);
  infos.forEach((t, i) => b.writeUInt16BE(t, 4 + n.length + 2 + 2 * i));
  return b;
}

function request(over: Partial<Request>): Request {
  return { flags: 0, type: Command.READ, handle: 1n, offset: 0, length: 4096, ...over };
}

describe('NBD handshake encoding', () => {
  it('greets with NBDMAGIC, IHAVEOPT and the fixed-newstyle and no-zeroes flags', () => {
    const g = encodeGreeting();
    expect(g.length).toBe(18);
    expect(g.readBigUInt64BE(0)).toBe(NBDMAGIC);
    expect(g.readBigUInt64BE(8)).toBe(IHAVEOPT);
    expect(g.readUInt16BE(16)).toBe(0b11);
  });

  it('decodes client flags and refuses unknown ones', () => {
    expect(decodeClientFlags(Buffer.from([0, 0, 0, 3]))).toEqual({ fixedNewstyle: true, noZeroes: true });
    expect(decodeClientFlags(Buffer.from([0, 0, 0, 1]))).toEqual({ fixedNewstyle: true, noZeroes: false });
    expect(() => decodeClientFlags(Buffer.from([0, 0, 0, 4]))).toThrow(NbdProtocolError);
  });

  it('decodes an option header and refuses one without IHAVEOPT', () => {
    const h = Buffer.alloc(16);
    h.writeBigUInt64BE(IHAVEOPT, 0);
    h.writeUInt32BE(Option.GO, 8);
    h.writeUInt32BE(123, 12);
    expect(decodeOptionHeader(h)).toEqual({ option: Option.GO, length: 123 });
    expect(() => decodeOptionHeader(Buffer.from('GET / HTTP/1.1\r\n'))).toThrow(/IHAVEOPT/);
  });

  it('decodes INFO/GO data and rejects lengths that do not add up', () => {
    expect(decodeInfoRequest(infoRequest('disk0', [Info.BLOCK_SIZE, Info.NAME]))).toEqual({ name: 'disk0', infos: [3, 1] });
    expect(decodeInfoRequest(infoRequest(''))).toEqual({ name: '', infos: [] });
    expect(decodeInfoRequest(Buffer.concat([infoRequest('disk0'), Buffer.from([0])]))).toBeNull();
    expect(decodeInfoRequest(infoRequest('disk0').subarray(0, 7))).toBeNull();
    const lying = infoRequest('disk0');
    lying.writeUInt32BE(0xffff_ffff, 0);
    expect(decodeInfoRequest(lying)).toBeNull();
  });
});

describe('NBD option answers', () => {
  it('NBD_OPT_GO: export info, block sizes, ACK, then transmission', () => {
    const a = answerOption(Option.GO, infoRequest('disk0', [Info.BLOCK_SIZE]), context());
    expect(a.action).toBe('transmit');
    const replies = parseOptionReplies(a.send);
    expect(replies.map((r) => r.type)).toEqual([Reply.INFO, Reply.INFO, Reply.ACK]);
    expect(replies.every((r) => r.option === Option.GO)).toBe(true);
    const exp = replies[0]!.data;
    expect(exp.readUInt16BE(0)).toBe(Info.EXPORT);
    expect(Number(exp.readBigUInt64BE(2))).toBe(DISK0.size);
    expect(exp.readUInt16BE(10)).toBe(DISK0.transmissionFlags);
    const bs = replies[1]!.data;
    expect([bs.readUInt16BE(0), bs.readUInt32BE(2), bs.readUInt32BE(6), bs.readUInt32BE(10)]).toEqual([
      Info.BLOCK_SIZE,
      1,
      4096,
      MAX_PAYLOAD,
    ]);
  });

  it('NBD_OPT_INFO answers like GO but stays in negotiation; names and descriptions on request', () => {
    const a = answerOption(Option.INFO, infoRequest('cd', [Info.NAME, Info.DESCRIPTION]), context());
    expect(a.action).toBe('continue');
    const replies = parseOptionReplies(a.send);
    expect(replies.map((r) => r.type)).toEqual([Reply.INFO, Reply.INFO, Reply.INFO, Reply.INFO, Reply.ACK]);
    expect(replies[2]!.data.readUInt16BE(0)).toBe(Info.NAME);
    expect(replies[2]!.data.subarray(2).toString()).toBe('cd');
    expect(replies[3]!.data.subarray(2).toString()).toBe('install media');
    expect(replies[0]!.data.readUInt16BE(10) & TransmissionFlag.READ_ONLY).toBeTruthy();
  });

  it('GO for an unknown export or with malformed data is an error reply, not a hang-up', () => {
    const unknown = answerOption(Option.GO, infoRequest('nope'), context());
    expect(unknown.action).toBe('continue');
    const [r] = parseOptionReplies(unknown.send);
    expect(r!.type).toBe(Reply.ERR_UNKNOWN);
    expect(r!.data.toString()).toMatch(/nope/);
    const bad = answerOption(Option.GO, Buffer.from([1, 2, 3]), context());
    expect(parseOptionReplies(bad.send)[0]!.type).toBe(Reply.ERR_INVALID);
  });

  it('NBD_OPT_LIST: one SERVER reply per export, then ACK; with data it is invalid', () => {
    const a = answerOption(Option.LIST, Buffer.alloc(0), context());
    const replies = parseOptionReplies(a.send);
    expect(replies.map((r) => r.type)).toEqual([Reply.SERVER, Reply.SERVER, Reply.ACK]);
    const names = replies.slice(0, 2).map((r) => r.data.subarray(4, 4 + r.data.readUInt32BE(0)).toString());
    expect(names).toEqual(['disk0', 'cd']);
    expect(parseOptionReplies(answerOption(Option.LIST, Buffer.from([0]), context()).send)[0]!.type).toBe(Reply.ERR_INVALID);
  });

  it('NBD_OPT_EXPORT_NAME: size and flags, with or without the 124 zero bytes; unknown names hang up', () => {
    for (const noZeroes of [true, false]) {
      const a = answerOption(Option.EXPORT_NAME, Buffer.from('disk0'), context(noZeroes));
      expect(a.action).toBe('transmit');
      const b = Buffer.concat(a.send);
      expect(b.length).toBe(noZeroes ? 10 : 134);
      expect(Number(b.readBigUInt64BE(0))).toBe(DISK0.size);
      expect(b.readUInt16BE(8)).toBe(DISK0.transmissionFlags);
    }
    const unknown = answerOption(Option.EXPORT_NAME, Buffer.from('nope'), context());
    expect(unknown).toMatchObject({ action: 'close', send: [] });
    expect(unknown.action === 'close' && unknown.reason).toMatch(/nope/);
  });

  it('NBD_OPT_ABORT is acknowledged and ends the session', () => {
    const a = answerOption(Option.ABORT, Buffer.alloc(0), context());
    expect(a).toMatchObject({ action: 'close', reason: null });
    expect(parseOptionReplies(a.send)[0]!.type).toBe(Reply.ACK);
  });

  it('unknown options (structured replies, TLS, anything) are answered NBD_REP_ERR_UNSUP', () => {
    for (const option of [Option.STRUCTURED_REPLY, Option.STARTTLS, 10, 11, 0xdead]) {
      const a = answerOption(option, Buffer.alloc(5), context());
      expect(a.action).toBe('continue');
      const [r] = parseOptionReplies(a.send);
      expect(r).toMatchObject({ option, type: Reply.ERR_UNSUP });
    }
  });

  it('oversized options are refused (EXPORT_NAME, which cannot fail politely, hangs up)', () => {
    const a = answerOversizedOption(Option.GO, MAX_OPTION_DATA + 1);
    expect(parseOptionReplies(a.send)[0]!.type).toBe(Reply.ERR_TOO_BIG);
    expect(answerOversizedOption(Option.EXPORT_NAME, 1 << 30).action).toBe('close');
  });
});

describe('NBD transmission framing', () => {
  it('encodes and decodes requests, with 64-bit handles and offsets', () => {
    const r: Request = { flags: CommandFlag.FUA, type: Command.WRITE, handle: 0xfedcba9876543210n, offset: 5 * 2 ** 40 + 512, length: 65536 };
    const b = encodeRequest(r);
    expect(b.length).toBe(28);
    expect(b.readUInt32BE(0)).toBe(0x25609513);
    expect(decodeRequest(b)).toEqual(r);
  });

  it('refuses a request without the request magic', () => {
    expect(() => decodeRequest(Buffer.alloc(28))).toThrow(NbdProtocolError);
  });

  it('encodes simple replies', () => {
    const b = encodeSimpleReply(NbdErrno.EIO, 42n);
    expect(b.readUInt32BE(0)).toBe(0x67446698);
    expect(decodeSimpleReply(b)).toEqual({ error: 5, handle: 42n });
  });

  it('transmission flags: writable exports take flush, FUA, trim, write-zeroes and multi-conn; read-only ones say so', () => {
    const rw = transmissionFlagsFor(false);
    const ro = transmissionFlagsFor(true);
    const F = TransmissionFlag;
    expect(rw).toBe(F.HAS_FLAGS | F.SEND_FLUSH | F.SEND_FUA | F.SEND_TRIM | F.SEND_WRITE_ZEROES | F.CAN_MULTI_CONN);
    expect(ro & F.READ_ONLY).toBeTruthy();
    expect(ro & (F.SEND_TRIM | F.SEND_WRITE_ZEROES)).toBe(0);
  });
});

describe('NBD request checks', () => {
  const rw = { size: 1 << 20, readOnly: false };
  const ro = { size: 1 << 20, readOnly: true };
  const problem = (r: Partial<Request>, exp = rw) => requestProblem(request(r), exp)?.error ?? 0;

  it('accepts reads and writes inside the export, up to its last byte', () => {
    expect(problem({})).toBe(0);
    expect(problem({ type: Command.WRITE, offset: (1 << 20) - 512, length: 512, flags: CommandFlag.FUA })).toBe(0);
    expect(problem({ type: Command.WRITE_ZEROES, flags: CommandFlag.NO_HOLE | CommandFlag.FUA, length: 1 << 20 })).toBe(0);
    expect(problem({ type: Command.FLUSH, length: 0 })).toBe(0);
    expect(problem({ type: Command.DISC, length: 0 })).toBe(0);
  });

  it('out of range, oversized, unknown commands and unknown flags are EINVAL', () => {
    expect(problem({ offset: 1 << 20, length: 1 })).toBe(NbdErrno.EINVAL);
    expect(problem({ offset: 2 ** 64 - 4096 })).toBe(NbdErrno.EINVAL);
    expect(requestProblem(request({ length: MAX_PAYLOAD + 1 }), { size: 2 ** 40, readOnly: false })?.error).toBe(NbdErrno.EINVAL);
    expect(problem({ type: Command.BLOCK_STATUS })).toBe(NbdErrno.EINVAL);
    expect(problem({ type: Command.CACHE })).toBe(NbdErrno.EINVAL);
    expect(problem({ type: 99 })).toBe(NbdErrno.EINVAL);
    expect(problem({ flags: CommandFlag.DF })).toBe(NbdErrno.EINVAL);
    expect(problem({ type: Command.WRITE_ZEROES, flags: CommandFlag.FAST_ZERO })).toBe(NbdErrno.EINVAL);
    expect(problem({ type: Command.FLUSH, offset: 4096, length: 0 })).toBe(NbdErrno.EINVAL);
  });

  it('writes, trims and zeroing on a read-only export are EPERM; reads and flushes are fine', () => {
    for (const type of [Command.WRITE, Command.TRIM, Command.WRITE_ZEROES]) expect(problem({ type }, ro)).toBe(NbdErrno.EPERM);
    expect(problem({}, ro)).toBe(0);
    expect(problem({ type: Command.FLUSH, length: 0 }, ro)).toBe(0);
  });

  it('TRIM and WRITE_ZEROES are not bound by the payload limit (they carry none)', () => {
    const big = { size: 2 ** 40, readOnly: false };
    expect(requestProblem(request({ type: Command.TRIM, length: 0xffff_ffff }), big)).toBeNull();
    expect(requestProblem(request({ type: Command.WRITE_ZEROES, length: 0xffff_ffff }), big)).toBeNull();
  });
});

describe('ByteQueue', () => {
  it('hands out a message inside one chunk as a view, across chunks as a copy', () => {
    const q = new ByteQueue();
    const a = Buffer.from([1, 2, 3, 4, 5]);
    q.push(a);
    q.push(Buffer.from([6, 7, 8]));
    expect(q.length).toBe(8);
    const first = q.take(2);
    expect([...first]).toEqual([1, 2]);
    expect(first.buffer).toBe(a.buffer);
    expect([...q.take(5)]).toEqual([3, 4, 5, 6, 7]);
    expect(q.length).toBe(1);
    expect(() => q.take(2)).toThrow(RangeError);
    expect([...q.take(1)]).toEqual([8]);
    expect(q.length).toBe(0);
  });

  it('skips across chunks and reports how much it dropped', () => {
    const q = new ByteQueue();
    for (let i = 0; i < 200; i++) q.push(Buffer.from([i, i]));
    expect(q.skip(301)).toBe(301);
    expect([...q.take(3)]).toEqual([150, 151, 151]);
    expect(q.skip(1000)).toBe(96);
    expect(q.length).toBe(0);
    q.push(Buffer.from([9]));
    expect([...q.take(1)]).toEqual([9]);
  });

  it('reassembles a stream cut at every possible point', () => {
    const whole = Buffer.from(Array.from({ length: 64 }, (_, i) => i));
    for (let cut = 1; cut < 64; cut++) {
      const q = new ByteQueue();
      q.push(whole.subarray(0, cut));
      q.push(whole.subarray(cut));
      expect(Buffer.concat([q.take(28), q.take(36)]).equals(whole)).toBe(true);
    }
  });
});
