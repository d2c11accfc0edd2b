import { describe, expect, it } from 'vitest';
import { ConsoleInput } from '../../main/engine/qemu/vnc/console-input.js';
import {
  CLIENT_ENCODINGS,
  ENCODING,
  PIXEL_FORMAT_BGRX,
  RfbProtocolError,
  ServerStreamDecoder,
  bgrxToRgba,
  encodeClientCutText,
  encodeClientInit,
  encodeClientVersion,
  encodePointerEvent,
  encodeQemuKeyEvent,
  encodeSetEncodings,
  encodeSetPixelFormat,
  encodeUpdateRequest,
  type ServerEvent,
} from '../../main/engine/qemu/vnc/rfb-messages.js';
import { pattern } from '../helpers/random.js';

// ---- a server's side of the stream, built by hand as RFC 6143 lays it out ----

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const s32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** QEMU 7.2's greeting, its one security type (None), and the OK. */
const HANDSHAKE = Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([1, 1]), u32(0)]);

function serverInit(width: number, height: number, name: string): Buffer {
  const pf = Buffer.from([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
  return Buffer.concat([u16(width), u16(height), pf, u32(name.length), Buffer.from(name)]);
}

function rect(x: number, y: number, w: number, h: number, encoding: number, payload = Buffer.alloc(0)): Buffer {
  return Buffer.concat([u16(x), u16(y), u16(w), u16(h), s32(encoding), payload]);
}

function update(...rects: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0, 0]), u16(rects.length), ...rects]);
}

const PIXELS_3x2 = Buffer.from(pattern(7, 3 * 2 * 4));
const PIXELS_1x1 = Buffer.from([1, 2, 3, 0]);

/** Every kind of message QEMU sends a client that asked for what Kaso asks for. */
const STREAM = Buffer.concat([
  HANDSHAKE,
  serverInit(720, 400, 'QEMU (kaso)'),
  update(rect(0, 0, 720, 400, ENCODING.extendedKeyEvent)),
  update(rect(0, 0, 720, 400, ENCODING.pointerTypeChange)),
  update(rect(0, 0, 1, 1, ENCODING.ledState, Buffer.from([2]))),
  update(rect(10, 20, 3, 2, ENCODING.raw, PIXELS_3x2), rect(717, 399, 1, 1, ENCODING.raw, PIXELS_1x1)),
  update(rect(100, 100, 50, 40, ENCODING.copyRect, Buffer.concat([u16(0), u16(360)]))),
  Buffer.from([2]), // bell
  Buffer.concat([Buffer.from([3, 0, 0, 0]), u32(5), Buffer.from('hello')]),
  Buffer.concat([Buffer.from([1, 0]), u16(0), u16(2), Buffer.alloc(12)]), // colour map entries
  update(),
  update(rect(1, 0, 720, 400, ENCODING.pointerTypeChange)), // x = 1: absolute
  update(rect(0, 0, 1024, 768, ENCODING.desktopSize)),
  update(rect(1023, 767, 1, 1, ENCODING.raw, PIXELS_1x1)),
]);

const EXPECTED: ServerEvent[] = [
  { t: 'version', major: 3, minor: 8 },
  { t: 'security-types', types: [1] },
  { t: 'security-ok' },
  { t: 'server-init', width: 720, height: 400, pixelFormat: PIXEL_FORMAT_BGRX, name: 'QEMU (kaso)' },
  { t: 'update-start', rects: 1 },
  { t: 'extended-keys' },
  { t: 'update-end' },
  { t: 'update-start', rects: 1 },
  { t: 'pointer-mode', absolute: false },
  { t: 'update-end' },
  { t: 'update-start', rects: 1 },
  { t: 'leds', leds: 2 },
  { t: 'update-end' },
  { t: 'update-start', rects: 2 },
  { t: 'raw', x: 10, y: 20, width: 3, height: 2, pixels: PIXELS_3x2 },
  { t: 'raw', x: 717, y: 399, width: 1, height: 1, pixels: PIXELS_1x1 },
  { t: 'update-end' },
  { t: 'update-start', rects: 1 },
  { t: 'copy', x: 100, y: 100, width: 50, height: 40, srcX: 0, srcY: 360 },
  { t: 'update-end' },
  { t: 'bell' },
  { t: 'cut-text', text: 'hello' },
  { t: 'colour-map' },
  { t: 'update-start', rects: 0 },
  { t: 'update-end' },
  { t: 'update-start', rects: 1 },
  { t: 'pointer-mode', absolute: true },
  { t: 'update-end' },
  { t: 'update-start', rects: 1 },
  { t: 'desktop-size', width: 1024, height: 768 },
  { t: 'update-end' },
  { t: 'update-start', rects: 1 },
  { t: 'raw', x: 1023, y: 767, width: 1, height: 1, pixels: PIXELS_1x1 },
  { t: 'update-end' },
];

/** Events with pixel buffers as hex, so that views and copies of the same bytes compare equal. */
function comparable(events: ServerEvent[]): unknown[] {
  return events.map((e) => (e.t === 'raw' ? { ...e, pixels: e.pixels.toString('hex') } : e));
}

function decodeInPieces(stream: Buffer, cuts: number[]): ServerEvent[] {
  const d = new ServerStreamDecoder();
  const events: ServerEvent[] = [];
  let from = 0;
  for (const to of [...cuts, stream.length]) {
    events.push(...d.push(stream.subarray(from, to)));
    from = to;
  }
  return events;
}

/** What the decoder makes of a stream, or the message it fails with. */
function failureOf(stream: Buffer): string {
  try {
    new ServerStreamDecoder().push(stream);
  } catch (e) {
    expect(e).toBeInstanceOf(RfbProtocolError);
    return (e as Error).message;
  }
  return 'no failure';
}

describe('RFB client messages', () => {
  it('greets as 3.8 and asks for a shared session', () => {
    expect(encodeClientVersion().toString('latin1')).toBe('RFB 003.008\n');
    expect(encodeClientInit(true)).toEqual(Buffer.from([1]));
  });

  it('asks for B, G, R, X pixels: 32 bits, depth 24, little-endian, true colour, shifts 16/8/0', () => {
    expect(encodeSetPixelFormat(PIXEL_FORMAT_BGRX).toString('hex')).toBe('00000000' + '20180001' + '00ff00ff00ff' + '100800' + '000000');
  });

  it('lists the encodings as signed 32-bit numbers, pseudo-encodings included', () => {
    expect(CLIENT_ENCODINGS).toEqual([0, 1, -223, -257, -258, -261]);
    expect(encodeSetEncodings([0, -223, -258]).toString('hex')).toBe('02000003' + '00000000' + 'ffffff21' + 'fffffefe');
  });

  it('asks for an update, incremental or whole, of a region', () => {
    expect(encodeUpdateRequest(true, 0, 0, 720, 400).toString('hex')).toBe('0301' + '0000' + '0000' + '02d0' + '0190');
    expect(encodeUpdateRequest(false, 1, 2, 3, 4).toString('hex')).toBe('0300' + '0001' + '0002' + '0003' + '0004');
  });

  it("sends QEMU's extended key event: type 255, submessage 0, down flag, keysym, key number", () => {
    expect(encodeQemuKeyEvent(true, 0, 0x1e).toString('hex')).toBe('ff00' + '0001' + '00000000' + '0000001e');
    expect(encodeQemuKeyEvent(false, 0xff52, 0xc8).toString('hex')).toBe('ff00' + '0000' + '0000ff52' + '000000c8');
  });

  it('sends pointer events with the button mask and 16-bit coordinates', () => {
    expect(encodePointerEvent(1 | 16, 0x7fff + 10, 0x7fff - 5).toString('hex')).toBe('0511' + '8009' + '7ffa');
  });

  it('sends client cut text with its length, and an empty one as eight bytes', () => {
    expect(encodeClientCutText('').toString('hex')).toBe('06000000' + '00000000');
    expect(encodeClientCutText('hi').toString('hex')).toBe('06000000' + '00000002' + '6869');
  });
});

describe('RFB server stream decoder', () => {
  it('decodes a whole session that arrives in one chunk', () => {
    expect(comparable(decodeInPieces(STREAM, []))).toEqual(comparable(EXPECTED));
  });

  it('decodes the same events however the stream is split in two, at every byte boundary', () => {
    const expected = comparable(EXPECTED);
    for (let cut = 0; cut <= STREAM.length; cut++) expect(comparable(decodeInPieces(STREAM, [cut])), `cut at ${cut}`).toEqual(expected);
  });

  it('decodes the same events when the stream comes one byte at a time', () => {
    const cuts = Array.from({ length: STREAM.length - 1 }, (_, i) => i + 1);
    expect(comparable(decodeInPieces(STREAM, cuts))).toEqual(comparable(EXPECTED));
  });

  it('hands out a large rectangle whole when it arrives in 64 KiB reads', () => {
    const pixels = Buffer.from(pattern(3, 720 * 400 * 4));
    const stream = Buffer.concat([HANDSHAKE, serverInit(720, 400, 'QEMU'), update(rect(0, 0, 720, 400, ENCODING.raw, pixels))]);
    const cuts = Array.from({ length: Math.floor(stream.length / 65536) }, (_, i) => (i + 1) * 65536);
    const raw = decodeInPieces(stream, cuts).find((e) => e.t === 'raw');
    expect(raw && raw.t === 'raw' && Buffer.compare(raw.pixels, pixels)).toBe(0);
  });

  it('tracks the screen size, so rectangles are checked against the size after a resize', () => {
    const d = new ServerStreamDecoder();
    d.push(Buffer.concat([HANDSHAKE, serverInit(640, 480, 'QEMU'), update(rect(0, 0, 320, 200, ENCODING.desktopSize))]));
    expect([d.width, d.height]).toEqual([320, 200]);
    expect(() => d.push(update(rect(0, 0, 640, 1, ENCODING.raw, Buffer.alloc(640 * 4))))).toThrow(/outside the 320x200 screen/);
  });
});

describe('RFB server stream decoder, given a stream that is not what QEMU sends', () => {
  const session = (...messages: Buffer[]) => Buffer.concat([HANDSHAKE, serverInit(720, 400, 'QEMU'), ...messages]);

  it('fails on a greeting that is not RFB, or an RFB version before 3.8', () => {
    expect(failureOf(Buffer.from('SSH-2.0-Open'))).toMatch(/not a VNC server/);
    expect(failureOf(Buffer.from('RFB 003.003\n'))).toMatch(/speaks RFB 3\.3; this client needs 3\.8/);
  });

  it("fails with the server's reason when it refuses the connection or the client", () => {
    const refused = Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([0]), u32(9), Buffer.from('too many!')]);
    expect(failureOf(refused)).toBe('the VNC server refused the connection: too many!');
    const rejected = Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([1, 2]), u32(1), u32(21), Buffer.from('Authentication failed')]);
    expect(failureOf(rejected)).toBe('the VNC server refused the client: Authentication failed');
  });

  it('fails on an unknown message type, or a rectangle in an encoding never asked for', () => {
    expect(failureOf(session(Buffer.from([77])))).toBe('unknown server message type 77');
    expect(failureOf(session(update(rect(0, 0, 16, 16, 16))))).toMatch(/encoding 16, which was not asked for/);
  });

  it('fails on rectangles, copy sources or screens that do not fit', () => {
    expect(failureOf(session(update(rect(700, 0, 21, 1, ENCODING.raw))))).toMatch(/raw rectangle 21x1 at 700,0 outside the 720x400 screen/);
    expect(failureOf(session(update(rect(0, 0, 8, 8, ENCODING.copyRect, Buffer.concat([u16(0), u16(395)])))))).toMatch(/copy source/);
    expect(failureOf(session(update(rect(0, 0, 9000, 10, ENCODING.desktopSize))))).toMatch(/9000x10 screen/);
  });

  it('keeps failing once it has failed', () => {
    const d = new ServerStreamDecoder();
    expect(() => d.push(Buffer.from('garbage here'))).toThrow(RfbProtocolError);
    expect(() => d.push(HANDSHAKE)).toThrow(/not a VNC server/);
  });
});

describe('pixel conversion', () => {
  it('turns B, G, R, X into R, G, B and an opaque alpha, in place', () => {
    const px = Uint8Array.of(1, 2, 3, 0, 0xb0, 0x90, 0xa0, 0x55);
    bgrxToRgba(px);
    expect([...px]).toEqual([3, 2, 1, 255, 0xa0, 0x90, 0xb0, 255]);
  });
});

describe('console input as VNC input', () => {
  /** A sink that writes down what it was asked to send. */
  function recorded() {
    const calls: string[] = [];
    const input = new ConsoleInput({
      key: (code, down) => (calls.push(`key ${code} ${down ? 'down' : 'up'}`), true),
      pointer: (dx, dy, buttons) => void calls.push(`pointer ${dx},${dy} buttons ${buttons}`),
      wheel: (steps) => void calls.push(`wheel ${steps}`),
    });
    return { input, calls };
  }

  it('carries the buttons held into motion, as VNC pointer events need', () => {
    const { input, calls } = recorded();
    input.apply({ t: 'mouse-move', dx: 3, dy: -2 });
    input.apply({ t: 'mouse-buttons', left: true, middle: false, right: true });
    input.apply({ t: 'mouse-move', dx: 1, dy: 1 });
    input.apply({ t: 'wheel', dy: 1 });
    input.apply({ t: 'mouse-buttons', left: false, middle: true, right: false });
    input.apply({ t: 'wheel', dy: -0.5 }); // a fraction of a notch is still a notch
    expect(calls).toEqual(['pointer 3,-2 buttons 0', 'pointer 0,0 buttons 5', 'pointer 1,1 buttons 5', 'wheel 1', 'pointer 0,0 buttons 2', 'wheel -1']);
  });

  it('presses Ctrl+Alt+Del as three keys down, then up in reverse', () => {
    const { input, calls } = recorded();
    input.apply({ t: 'ctrl-alt-del' });
    expect(calls).toEqual(['ControlLeft', 'AltLeft', 'Delete'].map((k) => `key ${k} down`).concat(['Delete', 'AltLeft', 'ControlLeft'].map((k) => `key ${k} up`)));
  });

  it('leaves what is not guest input to others', () => {
    const { input, calls } = recorded();
    expect(input.apply({ t: 'key', code: 'KeyA', down: true })).toBe(true);
    expect(input.apply({ t: 'refresh' })).toBe(false);
    expect(input.apply({ t: 'frame-ack', count: 1 })).toBe(false);
    expect(input.apply({ t: 'serial', port: 1, data: new Uint8Array(1) })).toBe(false);
    expect(calls).toEqual(['key KeyA down']);
  });
});
