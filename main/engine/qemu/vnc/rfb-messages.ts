/**
 * The RFB (VNC) protocol as QEMU's VNC server speaks it, without I/O: what the client writes, and a decoder
 * that turns the server's byte stream, however it is split, into events. Version 3.8, no authentication,
 * Raw and CopyRect pixels, and the pseudo-encodings QEMU uses to tell a client about itself.
 */

import { ByteQueue } from '../../../streams/byte-queue.js';

export const RFB_VERSION = 'RFB 003.008\n';
export const SECURITY_NONE = 1;

export const ENCODING = {
  raw: 0,
  copyRect: 1,
  desktopSize: -223,
  /** QEMU: relative (x = 0) or absolute (x = 1) pointer; relative events are offsets from RELATIVE_ORIGIN. */
  pointerTypeChange: -257,
  /** QEMU: the server takes key events by scan code (message 255, submessage 0). */
  extendedKeyEvent: -258,
  /** QEMU: the guest's keyboard lights; asking for it also stops QEMU second-guessing Caps/Num Lock from keysyms. */
  ledState: -261,
} as const;

/** What Kaso asks for, in order of preference. */
export const CLIENT_ENCODINGS = [
  ENCODING.raw,
  ENCODING.copyRect,
  ENCODING.desktopSize,
  ENCODING.pointerTypeChange,
  ENCODING.extendedKeyEvent,
  ENCODING.ledState,
];

/** In relative pointer mode QEMU reads x and y as this plus the motion. */
export const RELATIVE_ORIGIN = 0x7fff;
export const BUTTON = { left: 1, middle: 2, right: 4, wheelUp: 8, wheelDown: 16 } as const;
export const LED = { scrollLock: 1, numLock: 2, capsLock: 4 } as const;

/**
 * The largest framebuffer side accepted (QEMU's own limit is lower): a bound on what a broken stream can
 * make us allocate.
 */
export const MAX_SIDE = 8192;
const MAX_TEXT = 16 << 20;

export interface PixelFormat {
  bitsPerPixel: number;
  depth: number;
  bigEndian: boolean;
  trueColour: boolean;
  redMax: number;
  greenMax: number;
  blueMax: number;
  redShift: number;
  greenShift: number;
  blueShift: number;
}

/**
 * Bytes B, G, R, X: QEMU's own surface layout, which it copies as it is. Any other layout (R, G, B, X
 * included) it converts pixel by pixel: measured, 6-8 ms from request to the last byte of a 720x400 frame
 * against 3.5 ms. Swapping to RGBA here costs 0.5 ms.
 */
export const PIXEL_FORMAT_BGRX: PixelFormat = {
  bitsPerPixel: 32,
  depth: 24,
  bigEndian: false,
  trueColour: true,
  redMax: 255,
  greenMax: 255,
  blueMax: 255,
  redShift: 16,
  greenShift: 8,
  blueShift: 0,
};
const BYTES_PER_PIXEL = 4;

export class RfbProtocolError extends Error {
  override name = 'RfbProtocolError';
}

// ---- client to server ----

export function encodeClientVersion(): Buffer {
  return Buffer.from(RFB_VERSION, 'latin1');
}

export function encodeSecurityChoice(type: number): Buffer {
  return Buffer.of(type);
}

export function encodeClientInit(shared: boolean): Buffer {
  return Buffer.of(shared ? 1 : 0);
}

export function encodeSetPixelFormat(pf: PixelFormat): Buffer {
  const b = Buffer.alloc(20);
  b[0] = 0;
  b[4] = pf.bitsPerPixel;
  b[5] = pf.depth;
  b[6] = pf.bigEndian ? 1 : 0;
  b[7] = pf.trueColour ? 1 : 0;
  b.writeUInt16BE(pf.redMax, 8);
  b.writeUInt16BE(pf.greenMax, 10);
  b.writeUInt16BE(pf.blueMax, 12);
  b[14] = pf.redShift;
  b[15] = pf.greenShift;
  b[16] = pf.blueShift;
  return b;
}

export function encodeSetEncodings(encodings: readonly number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * encodings.length);
  b[0] = 2;
  b.writeUInt16BE(encodings.length, 2);
  encodings.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
  return b;
}

export function encodeUpdateRequest(incremental: boolean, x: number, y: number, width: number, height: number): Buffer {
  const b = Buffer.alloc(10);
  b[0] = 3;
  b[1] = incremental ? 1 : 0;
  b.writeUInt16BE(x, 2);
  b.writeUInt16BE(y, 4);
  b.writeUInt16BE(width, 6);
  b.writeUInt16BE(height, 8);
  return b;
}

export function encodePointerEvent(buttons: number, x: number, y: number): Buffer {
  const b = Buffer.alloc(6);
  b[0] = 5;
  b[1] = buttons;
  b.writeUInt16BE(x, 2);
  b.writeUInt16BE(y, 4);
  return b;
}

/** QEMU's extended key event: `qnum` is the XT scan code, 0xE0-prefixed keys with the high bit set. */
export function encodeQemuKeyEvent(down: boolean, keysym: number, qnum: number): Buffer {
  const b = Buffer.alloc(12);
  b[0] = 255;
  b[1] = 0;
  b.writeUInt16BE(down ? 1 : 0, 2);
  b.writeUInt32BE(keysym, 4);
  b.writeUInt32BE(qnum, 8);
  return b;
}

export function encodeClientCutText(text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const b = Buffer.alloc(8 + body.length);
  b[0] = 6;
  b.writeUInt32BE(body.length, 4);
  body.copy(b, 8);
  return b;
}

// ---- server to client ----

export type ServerEvent =
  | { t: 'version'; major: number; minor: number }
  | { t: 'security-types'; types: number[] }
  | { t: 'security-ok' }
  | { t: 'server-init'; width: number; height: number; pixelFormat: PixelFormat; name: string }
  | { t: 'update-start'; rects: number }
  /** Pixels in the negotiated format (B, G, R, X), `width` * `height` of them, row after row. */
  | { t: 'raw'; x: number; y: number; width: number; height: number; pixels: Buffer }
  | { t: 'copy'; x: number; y: number; width: number; height: number; srcX: number; srcY: number }
  | { t: 'desktop-size'; width: number; height: number }
  | { t: 'pointer-mode'; absolute: boolean }
  | { t: 'extended-keys' }
  | { t: 'leds'; leds: number }
  | { t: 'update-end' }
  | { t: 'colour-map' }
  | { t: 'bell' }
  | { t: 'cut-text'; text: string };

type Step = (bytes: Buffer) => void;

/**
 * The server's side of a connection, decoded. Each part of the stream says how long the next is, so the
 * decoder waits for exactly that many bytes and then steps on; `push` returns what whole parts arrived.
 * A stream that cannot be RFB from QEMU (a rectangle outside the screen, an unknown message or encoding)
 * throws RfbProtocolError, and so does every push after it.
 */
export class ServerStreamDecoder {
  width = 0;
  height = 0;
  private readonly queue = new ByteQueue();
  private need = 12;
  private step: Step = (b) => this.onVersion(b);
  private events: ServerEvent[] = [];
  private rectsLeft = 0;
  private failure: RfbProtocolError | null = null;

  push(chunk: Buffer): ServerEvent[] {
    if (this.failure) throw this.failure;
    this.queue.push(chunk);
    try {
      while (this.queue.length >= this.need) this.step(this.queue.take(this.need));
    } catch (e) {
      this.failure = e instanceof RfbProtocolError ? e : new RfbProtocolError(String(e));
      throw this.failure;
    }
    const out = this.events;
    this.events = [];
    return out;
  }

  private expect(need: number, step: Step): void {
    this.need = need;
    this.step = step;
  }

  private emit(e: ServerEvent): void {
    this.events.push(e);
  }

  private onVersion(b: Buffer): void {
    const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(b.toString('latin1'));
    if (!m) throw new RfbProtocolError(`not a VNC server (it greeted with ${JSON.stringify(b.toString('latin1'))})`);
    const [major, minor] = [Number(m[1]), Number(m[2])];
    // 3.3 and 3.7 negotiate security differently; every QEMU since 2007 offers 3.8.
    if (major !== 3 || minor < 8) throw new RfbProtocolError(`the VNC server speaks RFB ${major}.${minor}; this client needs 3.8`);
    this.emit({ t: 'version', major, minor });
    this.expect(1, (c) => this.onSecurityCount(c[0]!));
  }

  private onSecurityCount(count: number): void {
    if (count === 0) return this.readReason('the VNC server refused the connection');
    this.expect(count, (types) => {
      this.emit({ t: 'security-types', types: [...types] });
      this.expect(4, (r) => this.onSecurityResult(r.readUInt32BE(0)));
    });
  }

  private onSecurityResult(result: number): void {
    if (result !== 0) return this.readReason('the VNC server refused the client');
    this.emit({ t: 'security-ok' });
    this.expect(24, (b) => this.onServerInit(b));
  }

  private readReason(what: string): void {
    this.expect(4, (len) => {
      const n = len.readUInt32BE(0);
      if (n > MAX_TEXT) throw new RfbProtocolError(`${what} (with a reason of ${n} bytes)`);
      this.expect(n, (reason) => {
        throw new RfbProtocolError(`${what}: ${reason.toString('utf8')}`);
      });
    });
  }

  private onServerInit(b: Buffer): void {
    const width = b.readUInt16BE(0);
    const height = b.readUInt16BE(2);
    const pixelFormat = readPixelFormat(b.subarray(4, 20));
    const nameLength = b.readUInt32BE(20);
    if (nameLength > MAX_TEXT) throw new RfbProtocolError(`a desktop name of ${nameLength} bytes`);
    this.setSize(width, height);
    this.expect(nameLength, (name) => {
      this.emit({ t: 'server-init', width, height, pixelFormat, name: name.toString('utf8') });
      this.nextMessage();
    });
  }

  private setSize(width: number, height: number): void {
    if (width > MAX_SIDE || height > MAX_SIDE) throw new RfbProtocolError(`a ${width}x${height} screen (at most ${MAX_SIDE} a side)`);
    this.width = width;
    this.height = height;
  }

  private nextMessage(): void {
    this.expect(1, (b) => this.onMessageType(b[0]!));
  }

  private onMessageType(type: number): void {
    switch (type) {
      case 0:
        return this.expect(3, (b) => this.onUpdateStart(b.readUInt16BE(1)));
      case 1:
        return this.expect(5, (b) => this.expect(b.readUInt16BE(3) * 6, () => this.done({ t: 'colour-map' })));
      case 2:
        return this.done({ t: 'bell' });
      case 3:
        return this.expect(7, (b) => this.onCutTextLength(b.readUInt32BE(3)));
      default:
        throw new RfbProtocolError(`unknown server message type ${type}`);
    }
  }

  private done(e: ServerEvent): void {
    this.emit(e);
    this.nextMessage();
  }

  private onCutTextLength(n: number): void {
    if (n > MAX_TEXT) throw new RfbProtocolError(`server cut text of ${n} bytes`);
    this.expect(n, (text) => this.done({ t: 'cut-text', text: text.toString('latin1') }));
  }

  private onUpdateStart(rects: number): void {
    this.emit({ t: 'update-start', rects });
    this.rectsLeft = rects;
    this.nextRect();
  }

  private nextRect(): void {
    if (this.rectsLeft-- === 0) return this.done({ t: 'update-end' });
    this.expect(12, (b) => this.onRect(b.readUInt16BE(0), b.readUInt16BE(2), b.readUInt16BE(4), b.readUInt16BE(6), b.readInt32BE(8)));
  }

  private onRect(x: number, y: number, width: number, height: number, encoding: number): void {
    switch (encoding) {
      case ENCODING.raw:
        this.checkInside(x, y, width, height, 'raw');
        return this.expect(width * height * BYTES_PER_PIXEL, (pixels) => this.rectDone({ t: 'raw', x, y, width, height, pixels }));
      case ENCODING.copyRect:
        this.checkInside(x, y, width, height, 'copy');
        return this.expect(4, (b) => this.onCopySource(x, y, width, height, b.readUInt16BE(0), b.readUInt16BE(2)));
      case ENCODING.desktopSize:
        this.setSize(width, height);
        return this.rectDone({ t: 'desktop-size', width, height });
      case ENCODING.pointerTypeChange:
        return this.rectDone({ t: 'pointer-mode', absolute: x !== 0 });
      case ENCODING.extendedKeyEvent:
        return this.rectDone({ t: 'extended-keys' });
      case ENCODING.ledState:
        return this.expect(1, (b) => this.rectDone({ t: 'leds', leds: b[0]! }));
      default:
        throw new RfbProtocolError(`a rectangle in encoding ${encoding}, which was not asked for`);
    }
  }

  private onCopySource(x: number, y: number, width: number, height: number, srcX: number, srcY: number): void {
    this.checkInside(srcX, srcY, width, height, 'copy source');
    this.rectDone({ t: 'copy', x, y, width, height, srcX, srcY });
  }

  private rectDone(e: ServerEvent): void {
    this.emit(e);
    this.nextRect();
  }

  private checkInside(x: number, y: number, width: number, height: number, what: string): void {
    if (x + width <= this.width && y + height <= this.height) return;
    throw new RfbProtocolError(`a ${what} rectangle ${width}x${height} at ${x},${y} outside the ${this.width}x${this.height} screen`);
  }
}

function readPixelFormat(b: Buffer): PixelFormat {
  return {
    bitsPerPixel: b[0]!,
    depth: b[1]!,
    bigEndian: b[2] !== 0,
    trueColour: b[3] !== 0,
    redMax: b.readUInt16BE(4),
    greenMax: b.readUInt16BE(6),
    blueMax: b.readUInt16BE(8),
    redShift: b[10]!,
    greenShift: b[11]!,
    blueShift: b[12]!,
  };
}

/** Server-native B, G, R, X pixels to the screen model's R, G, B, A, in place. */
export function bgrxToRgba(pixels: Uint8Array): void {
  for (let i = 0; i < pixels.length; i += 4) {
    const blue = pixels[i]!;
    pixels[i] = pixels[i + 2]!;
    pixels[i + 2] = blue;
    pixels[i + 3] = 255;
  }
}
