/**
 * The NBD wire protocol as the server speaks it: fixed newstyle negotiation (EXPORT_NAME, INFO, GO, LIST,
 * ABORT; every other option is unsupported) and the transmission phase with simple replies only. Pure:
 * bytes in, bytes and decisions out, no sockets and no devices, so every framing rule is testable alone.
 *
 * Reference: the NBD protocol specification (NetworkBlockDevice/nbd, doc/proto.md).
 */

export const NBDMAGIC = 0x4e42444d41474943n; // "NBDMAGIC"
export const IHAVEOPT = 0x49484156454f5054n; // "IHAVEOPT"
export const OPTION_REPLY_MAGIC = 0x3e889045565a9n;
export const REQUEST_MAGIC = 0x25609513;
export const SIMPLE_REPLY_MAGIC = 0x67446698;

export const HandshakeFlag = { FIXED_NEWSTYLE: 1, NO_ZEROES: 2 } as const;
export const ClientFlag = { FIXED_NEWSTYLE: 1, NO_ZEROES: 2 } as const;

export const Option = {
  EXPORT_NAME: 1,
  ABORT: 2,
  LIST: 3,
  STARTTLS: 5,
  INFO: 6,
  GO: 7,
  STRUCTURED_REPLY: 8,
} as const;

const ERROR_BIT = 0x8000_0000;
export const Reply = {
  ACK: 1,
  SERVER: 2,
  INFO: 3,
  ERR_UNSUP: ERROR_BIT + 1,
  ERR_POLICY: ERROR_BIT + 2,
  ERR_INVALID: ERROR_BIT + 3,
  ERR_UNKNOWN: ERROR_BIT + 6,
  ERR_SHUTDOWN: ERROR_BIT + 7,
  ERR_TOO_BIG: ERROR_BIT + 9,
} as const;

export const Info = { EXPORT: 0, NAME: 1, DESCRIPTION: 2, BLOCK_SIZE: 3 } as const;

export const TransmissionFlag = {
  HAS_FLAGS: 1 << 0,
  READ_ONLY: 1 << 1,
  SEND_FLUSH: 1 << 2,
  SEND_FUA: 1 << 3,
  ROTATIONAL: 1 << 4,
  SEND_TRIM: 1 << 5,
  SEND_WRITE_ZEROES: 1 << 6,
  SEND_DF: 1 << 7,
  CAN_MULTI_CONN: 1 << 8,
} as const;

export const Command = {
  READ: 0,
  WRITE: 1,
  DISC: 2,
  FLUSH: 3,
  TRIM: 4,
  CACHE: 5,
  WRITE_ZEROES: 6,
  BLOCK_STATUS: 7,
} as const;

export const CommandFlag = { FUA: 1 << 0, NO_HOLE: 1 << 1, DF: 1 << 2, REQ_ONE: 1 << 3, FAST_ZERO: 1 << 4 } as const;

/** The error numbers the protocol allows in a reply (errno values by convention, fixed by the spec). */
export const NbdErrno = {
  EPERM: 1,
  EIO: 5,
  ENOMEM: 12,
  EINVAL: 22,
  ENOSPC: 28,
  EOVERFLOW: 75,
  ENOTSUP: 95,
  ESHUTDOWN: 108,
} as const;

export const GREETING_SIZE = 18;
export const CLIENT_FLAGS_SIZE = 4;
export const OPTION_HEADER_SIZE = 16;
export const REQUEST_HEADER_SIZE = 28;
export const SIMPLE_REPLY_SIZE = 16;

/** The largest READ or WRITE payload served, as advertised in NBD_INFO_BLOCK_SIZE. */
export const MAX_PAYLOAD = 32 * 1024 * 1024;
/** The library serves any byte range, so the client needs no alignment at all. */
export const MIN_BLOCK = 1;
export const PREFERRED_BLOCK = 4096;
/** Export names are at most 4096 bytes; option data beyond this is refused without being buffered. */
export const MAX_OPTION_DATA = 4 + 4096 + 2 + 2 * 64;
const MAX_NAME_BYTES = 4096;

/** Raised for bytes that cannot be an NBD message: the connection cannot be resynchronized and must close. */
export class NbdProtocolError extends Error {
  override readonly name = 'NbdProtocolError';
}

export function encodeGreeting(): Buffer {
  const b = Buffer.alloc(GREETING_SIZE);
  b.writeBigUInt64BE(NBDMAGIC, 0);
  b.writeBigUInt64BE(IHAVEOPT, 8);
  b.writeUInt16BE(HandshakeFlag.FIXED_NEWSTYLE | HandshakeFlag.NO_ZEROES, 16);
  return b;
}

export interface ClientFlags {
  fixedNewstyle: boolean;
  noZeroes: boolean;
}

export function decodeClientFlags(b: Buffer): ClientFlags {
  const flags = b.readUInt32BE(0);
  const known = ClientFlag.FIXED_NEWSTYLE | ClientFlag.NO_ZEROES;
  if ((flags & ~known) !== 0) throw new NbdProtocolError(`the client sent unknown handshake flags 0x${flags.toString(16)}`);
  return { fixedNewstyle: (flags & ClientFlag.FIXED_NEWSTYLE) !== 0, noZeroes: (flags & ClientFlag.NO_ZEROES) !== 0 };
}

export interface OptionHeader {
  option: number;
  length: number;
}

export function decodeOptionHeader(b: Buffer): OptionHeader {
  const magic = b.readBigUInt64BE(0);
  if (magic !== IHAVEOPT) throw new NbdProtocolError(`expected an option (IHAVEOPT), got 0x${magic.toString(16)}`);
  return { option: b.readUInt32BE(8), length: b.readUInt32BE(12) };
}

export function encodeOptionReply(option: number, type: number, data: Uint8Array = new Uint8Array(0)): Buffer {
  const b = Buffer.alloc(20 + data.length);
  b.writeBigUInt64BE(OPTION_REPLY_MAGIC, 0);
  b.writeUInt32BE(option, 8);
  b.writeUInt32BE(type, 12);
  b.writeUInt32BE(data.length, 16);
  b.set(data, 20);
  return b;
}

/** An error reply carrying a message a person can read (the client may show it). */
export function encodeOptionError(option: number, type: number, message: string): Buffer {
  return encodeOptionReply(option, type, Buffer.from(message, 'utf8'));
}

/** What the negotiation needs to know about an export. */
export interface ExportSummary {
  name: string;
  size: number;
  transmissionFlags: number;
  description?: string;
}

/** The reply that ends NBD_OPT_EXPORT_NAME: size, flags and (unless the client opted out) 124 zero bytes. */
export function encodeExportNameReply(size: number, flags: number, noZeroes: boolean): Buffer {
  const b = Buffer.alloc(noZeroes ? 10 : 134);
  b.writeBigUInt64BE(BigInt(size), 0);
  b.writeUInt16BE(flags, 8);
  return b;
}

export function encodeServerEntry(name: string): Buffer {
  const n = Buffer.from(name, 'utf8');
  const b = Buffer.alloc(4 + n.length);
  b.writeUInt32BE(n.length, 0);
  n.copy(b, 4);
  return b;
}

export function encodeInfoExport(size: number, flags: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(Info.EXPORT, 0);
  b.writeBigUInt64BE(BigInt(size), 2);
  b.writeUInt16BE(flags, 10);
  return b;
}

export function encodeInfoBlockSize(min: number, preferred: number, max: number): Buffer {
  const b = Buffer.alloc(14);
  b.writeUInt16BE(Info.BLOCK_SIZE, 0);
  b.writeUInt32BE(min, 2);
  b.writeUInt32BE(preferred, 6);
  b.writeUInt32BE(max, 10);
  return b;
}

function encodeInfoText(type: number, text: string): Buffer {
  return Buffer.concat([Buffer.from([type >> 8, type & 0xff]), Buffer.from(text, 'utf8')]);
}

export interface InfoRequest {
  name: string;
  infos: number[];
}

/** The data of NBD_OPT_INFO and NBD_OPT_GO; null when its lengths do not add up. */
export function decodeInfoRequest(data: Buffer): InfoRequest | null {
  if (data.length < 6) return null;
  const nameLength = data.readUInt32BE(0);
  if (nameLength > MAX_NAME_BYTES || data.length < 4 + nameLength + 2) return null;
  const count = data.readUInt16BE(4 + nameLength);
  if (data.length !== 4 + nameLength + 2 + 2 * count) return null;
  const infos = Array.from({ length: count }, (_, i) => data.readUInt16BE(4 + nameLength + 2 + 2 * i));
  return { name: data.toString('utf8', 4, 4 + nameLength), infos };
}

export interface NegotiationContext {
  /** The client set NBD_FLAG_C_NO_ZEROES. */
  noZeroes: boolean;
  find(name: string): ExportSummary | undefined;
  list(): ExportSummary[];
}

/** What to do after an option: keep negotiating, enter transmission on an export, or end the connection. */
export type OptionAnswer =
  | { action: 'continue'; send: Buffer[] }
  | { action: 'transmit'; send: Buffer[]; exportName: string }
  /** `reason` is null when the client asked to end (NBD_OPT_ABORT), else why the server hangs up. */
  | { action: 'close'; send: Buffer[]; reason: string | null };

/** Answers one option (its header already decoded, its data complete). */
export function answerOption(option: number, data: Buffer, ctx: NegotiationContext): OptionAnswer {
  switch (option) {
    case Option.EXPORT_NAME:
      return answerExportName(data, ctx);
    case Option.ABORT:
      return { action: 'close', send: [encodeOptionReply(option, Reply.ACK)], reason: null };
    case Option.LIST:
      return answerList(data, ctx);
    case Option.INFO:
    case Option.GO:
      return answerInfo(option, data, ctx);
    default:
      return continueWith(encodeOptionError(option, Reply.ERR_UNSUP, `option ${option} is not supported by this server`));
  }
}

/** The answer to an option whose data was too long to buffer (it was skipped unread). */
export function answerOversizedOption(option: number, length: number): OptionAnswer {
  // NBD_OPT_EXPORT_NAME cannot be answered with an error: the spec says to hang up.
  if (option === Option.EXPORT_NAME) return { action: 'close', send: [], reason: `export name of ${length} bytes is too long` };
  return continueWith(encodeOptionError(option, Reply.ERR_TOO_BIG, `option data of ${length} bytes is too long`));
}

function continueWith(...send: Buffer[]): OptionAnswer {
  return { action: 'continue', send };
}

function answerExportName(data: Buffer, ctx: NegotiationContext): OptionAnswer {
  const name = data.toString('utf8');
  const found = ctx.find(name);
  if (!found) return { action: 'close', send: [], reason: `the client asked for an unknown export "${name}"` };
  return {
    action: 'transmit',
    send: [encodeExportNameReply(found.size, found.transmissionFlags, ctx.noZeroes)],
    exportName: found.name,
  };
}

function answerList(data: Buffer, ctx: NegotiationContext): OptionAnswer {
  if (data.length !== 0) return continueWith(encodeOptionError(Option.LIST, Reply.ERR_INVALID, 'NBD_OPT_LIST takes no data'));
  const entries = ctx.list().map((e) => encodeOptionReply(Option.LIST, Reply.SERVER, encodeServerEntry(e.name)));
  return continueWith(...entries, encodeOptionReply(Option.LIST, Reply.ACK));
}

function answerInfo(option: number, data: Buffer, ctx: NegotiationContext): OptionAnswer {
  const request = decodeInfoRequest(data);
  if (!request) return continueWith(encodeOptionError(option, Reply.ERR_INVALID, 'malformed NBD_OPT_INFO/NBD_OPT_GO data'));
  const found = ctx.find(request.name);
  if (!found) return continueWith(encodeOptionError(option, Reply.ERR_UNKNOWN, `no export named "${request.name}"`));
  const infos = [
    encodeInfoExport(found.size, found.transmissionFlags),
    // Sent even when not asked for: a minimum of 1 puts no constraint on a client that ignores it.
    encodeInfoBlockSize(MIN_BLOCK, PREFERRED_BLOCK, MAX_PAYLOAD),
  ];
  if (request.infos.includes(Info.NAME)) infos.push(encodeInfoText(Info.NAME, found.name));
  if (request.infos.includes(Info.DESCRIPTION) && found.description) infos.push(encodeInfoText(Info.DESCRIPTION, found.description));
  const send = [...infos.map((i) => encodeOptionReply(option, Reply.INFO, i)), encodeOptionReply(option, Reply.ACK)];
  return option === Option.GO ? { action: 'transmit', send, exportName: found.name } : { action: 'continue', send };
}

export interface Request {
  flags: number;
  type: number;
  handle: bigint;
  /** Past 2^53 the value is approximate, but then it is past the end of any export anyway. */
  offset: number;
  length: number;
}

export function decodeRequest(b: Buffer): Request {
  const magic = b.readUInt32BE(0);
  if (magic !== REQUEST_MAGIC) throw new NbdProtocolError(`expected a request (magic 0x25609513), got 0x${magic.toString(16)}`);
  return {
    flags: b.readUInt16BE(4),
    type: b.readUInt16BE(6),
    handle: b.readBigUInt64BE(8),
    offset: b.readUInt32BE(16) * 0x1_0000_0000 + b.readUInt32BE(20),
    length: b.readUInt32BE(24),
  };
}

export function encodeRequest(r: Request): Buffer {
  const b = Buffer.alloc(REQUEST_HEADER_SIZE);
  b.writeUInt32BE(REQUEST_MAGIC, 0);
  b.writeUInt16BE(r.flags, 4);
  b.writeUInt16BE(r.type, 6);
  b.writeBigUInt64BE(r.handle, 8);
  b.writeBigUInt64BE(BigInt(r.offset), 16);
  b.writeUInt32BE(r.length, 24);
  return b;
}

/** Writes a simple reply header into the first 16 bytes of `target` (a read's data may follow it). */
export function writeSimpleReply(target: Buffer, error: number, handle: bigint): Buffer {
  target.writeUInt32BE(SIMPLE_REPLY_MAGIC, 0);
  target.writeUInt32BE(error, 4);
  target.writeBigUInt64BE(handle, 8);
  return target;
}

export function encodeSimpleReply(error: number, handle: bigint): Buffer {
  return writeSimpleReply(Buffer.allocUnsafe(SIMPLE_REPLY_SIZE), error, handle);
}

export interface SimpleReply {
  error: number;
  handle: bigint;
}

export function decodeSimpleReply(b: Buffer): SimpleReply {
  const magic = b.readUInt32BE(0);
  if (magic !== SIMPLE_REPLY_MAGIC) throw new NbdProtocolError(`expected a simple reply, got magic 0x${magic.toString(16)}`);
  return { error: b.readUInt32BE(4), handle: b.readBigUInt64BE(8) };
}

export interface ExportLimits {
  size: number;
  readOnly: boolean;
}

const ALLOWED_FLAGS: Record<number, number> = {
  [Command.READ]: CommandFlag.FUA, // clients are known to set FUA on reads; it means nothing there
  [Command.WRITE]: CommandFlag.FUA,
  [Command.DISC]: 0,
  [Command.FLUSH]: CommandFlag.FUA,
  [Command.TRIM]: CommandFlag.FUA,
  [Command.WRITE_ZEROES]: CommandFlag.FUA | CommandFlag.NO_HOLE,
};

const WRITING = new Set<number>([Command.WRITE, Command.TRIM, Command.WRITE_ZEROES]);

/**
 * Why a request cannot be served, as the NBD error to reply with and a reason for the log; null when it
 * can. Unknown commands and flags, payloads over MAX_PAYLOAD and ranges past the end are EINVAL; writes to a
 * read-only export are EPERM.
 */
export function requestProblem(r: Request, exp: ExportLimits): { error: number; reason: string } | null {
  const allowed = ALLOWED_FLAGS[r.type];
  if (allowed === undefined) return { error: NbdErrno.EINVAL, reason: `unsupported command ${r.type}` };
  if ((r.flags & ~allowed) !== 0) return { error: NbdErrno.EINVAL, reason: `flags 0x${r.flags.toString(16)} not valid for command ${r.type}` };
  if (r.type === Command.FLUSH || r.type === Command.DISC) {
    return r.offset === 0 && r.length === 0 ? null : { error: NbdErrno.EINVAL, reason: 'offset and length must be zero' };
  }
  if (WRITING.has(r.type) && exp.readOnly) return { error: NbdErrno.EPERM, reason: 'the export is read-only' };
  if ((r.type === Command.READ || r.type === Command.WRITE) && r.length > MAX_PAYLOAD)
    return { error: NbdErrno.EINVAL, reason: `${r.length} bytes is over the ${MAX_PAYLOAD}-byte limit` };
  if (r.offset + r.length > exp.size)
    return { error: NbdErrno.EINVAL, reason: `${r.offset} (+${r.length}) is outside the export (${exp.size} bytes)` };
  return null;
}

export function transmissionFlagsFor(readOnly: boolean): number {
  const common = TransmissionFlag.HAS_FLAGS | TransmissionFlag.SEND_FLUSH | TransmissionFlag.SEND_FUA;
  // Every connection to an export shares one device object (one file handle, one lock), and a flush syncs
  // that file: a flush on any connection covers writes completed on all of them, which is what multi-conn means.
  const shared = TransmissionFlag.CAN_MULTI_CONN;
  return readOnly
    ? common | shared | TransmissionFlag.READ_ONLY
    : common | shared | TransmissionFlag.SEND_TRIM | TransmissionFlag.SEND_WRITE_ZEROES;
}
