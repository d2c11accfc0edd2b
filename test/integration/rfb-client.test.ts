import { mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleToVm } from '../../main/api/console.js';
import { ConsoleInput } from '../../main/engine/qemu/vnc/console-input.js';
import { RfbClient } from '../../main/engine/qemu/vnc/rfb-client.js';
import { ENCODING, RfbProtocolError, encodeSetEncodings, encodeSetPixelFormat, PIXEL_FORMAT_BGRX, CLIENT_ENCODINGS } from '../../main/engine/qemu/vnc/rfb-messages.js';
import { ScreenModel } from '../../main/engine/screen-model.js';
import { announceSkip } from '../helpers/peers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { echoGuestReady, missingQemuSystem, startQemu, type LoggedByte, type QemuUnderTest } from '../helpers/vnc-echo-guest.js';

const missing = missingQemuSystem();
announceSkip('RFB client against QEMU', missing);

/** Pixels that differ from the top-left one (the background), alpha aside. */
function drawnPixels(screen: ScreenModel): number {
  const f = screen.frame;
  let n = 0;
  for (let i = 0; i < f.length; i += 4) if (f[i] !== f[0] || f[i + 1] !== f[1] || f[i + 2] !== f[2]) n++;
  return n;
}

function allOpaque(screen: ScreenModel): boolean {
  for (let i = 3; i < screen.frame.length; i += 4) if (screen.frame[i] !== 255) return false;
  return true;
}

/** QEMU's own picture of the screen (QMP screendump, PPM): width, height and RGB bytes. */
async function screendump(q: QemuUnderTest, file: string): Promise<{ width: number; height: number; rgb: Buffer }> {
  await q.qmp.execute('screendump', { filename: file });
  const ppm = readFileSync(file);
  const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 32).toString('latin1'))!;
  return { width: Number(m[1]), height: Number(m[2]), rgb: ppm.subarray(m[0].length) };
}

function rgbOf(screen: ScreenModel): Buffer {
  const rgb = Buffer.alloc(screen.width * screen.height * 3);
  for (let i = 0, o = 0; i < screen.frame.length; i += 4, o += 3) rgb.set(screen.frame.subarray(i, i + 3), o);
  return rgb;
}

const hex = (bytes: LoggedByte[]) => bytes.map((b) => b.byte.toString(16).padStart(2, '0')).join(' ');

/** The next `count` bytes the guest logs from `from` (keyboard or mouse) after the first `after` entries. */
async function guestBytes(q: QemuUnderTest, after: number, from: LoggedByte['from'], count: number): Promise<string> {
  const pick = async () => (await q.guestLog()).slice(after).filter((b) => b.from === from);
  await expect.poll(async () => (await pick()).length, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(count);
  return hex(await pick());
}

describe.skipIf(missing)('RFB client against QEMU (-vnc unix:)', () => {
  const dir = tempDir('rfb');
  let qemu: QemuUnderTest | null = null;
  let client: RfbClient | null = null;
  let run = 0;

  const start = async (options: Parameters<typeof startQemu>[1] = {}) => {
    const sub = path.join(dir, `q${run++}`);
    mkdirSync(sub);
    qemu = await startQemu(sub, options);
    const screen = new ScreenModel();
    client = await RfbClient.connect(qemu.vncSocket, screen, { continuous: true });
    return { q: qemu, c: client, screen, dir: sub };
  };

  afterEach(async () => {
    client?.close();
    await qemu?.stop();
    client = null;
    qemu = null;
  });

  it("shows SeaBIOS's text screen (no disk) as 720x400 opaque pixels with text drawn", async () => {
    const { c, screen } = await start({ guest: false });
    expect(c.name).toBe('QEMU');
    expect(screen.graphical).toBe(true);
    // Connected this early, the screen starts at QEMU's 640x480 until the VGA BIOS sets text mode.
    await expect.poll(() => `${screen.width}x${screen.height}`, { timeout: 20_000 }).toBe('720x400');
    // SeaBIOS prints its banner, then "No bootable device." a moment later.
    await expect
      .poll(async () => (await c.freshFrame(), drawnPixels(screen)), { timeout: 20_000, interval: 200 })
      .toBeGreaterThan(2000);
    expect(allOpaque(screen)).toBe(true);
    expect(c.absolutePointer).toBe(false);
  });

  it('draws exactly what QEMU itself shows (QMP screendump), after a key press changed the whole screen', async () => {
    const { q, c, screen, dir: sub } = await start();
    await echoGuestReady(q);
    const version = screen.version;
    expect(c.key('KeyB', true)).toBe(true); // the guest fills its screen with character 0x30 ("0")
    c.key('KeyB', false);
    await expect.poll(() => screen.version, { timeout: 10_000 }).toBeGreaterThan(version);
    await c.freshFrame();
    const shot = await screendump(q, path.join(sub, 'screen.ppm'));
    expect([shot.width, shot.height]).toEqual([720, 400]);
    expect(drawnPixels(screen)).toBeGreaterThan(10_000);
    expect(Buffer.compare(rgbOf(screen), shot.rgb)).toBe(0);
  });

  it('sends keys as set 1 scan codes: a letter, an 0xE0 key, Pause, and Ctrl+Alt+Del from the console', async () => {
    const { q, c } = await start();
    const after = await echoGuestReady(q);
    const input = new ConsoleInput(c);
    const key = (code: string, down: boolean): ConsoleToVm => ({ t: 'key', code, down });
    const steps: [ConsoleToVm[], string][] = [
      [[key('KeyA', true)], '1e'],
      [[key('KeyA', false)], '9e'],
      [[key('ArrowUp', true)], 'e0 48'],
      [[key('ArrowUp', false)], 'e0 c8'],
      [[key('Pause', true)], 'e1 1d 45 e1 9d c5'], // make and break at once
      [[key('Pause', false), { t: 'ctrl-alt-del' }], '1d 38 e0 53 e0 d3 b8 9d'], // Pause's release sends nothing
    ];
    expect(c.key('NoSuchKey', true)).toBe(false);
    // One at a time, as typed: QEMU's PS/2 queue holds 16 bytes, and a guest slow to take them loses the rest.
    let expected = '';
    for (const [messages, bytes] of steps) {
      for (const msg of messages) input.apply(msg);
      expected += (expected ? ' ' : '') + bytes;
      expect(await guestBytes(q, after, 'keyboard', expected.split(' ').length)).toBe(expected);
    }
  });

  it('moves the PS/2 mouse by relative motion, with buttons held and wheel notches', async () => {
    const { q, c } = await start();
    const after = await echoGuestReady(q);
    expect(c.absolutePointer).toBe(false);
    const input = new ConsoleInput(c);
    const steps: [ConsoleToVm, string][] = [
      [{ t: 'mouse-move', dx: 10, dy: 5 }, '28 0a fb 00'], // PS/2 counts y up: -5
      [{ t: 'mouse-buttons', left: true, middle: false, right: false }, '09 00 00 00'],
      [{ t: 'mouse-move', dx: -3, dy: 0 }, '19 fd 00 00'], // the left button still held
      [{ t: 'mouse-buttons', left: false, middle: false, right: false }, '08 00 00 00'],
      [{ t: 'wheel', dy: 1 }, '08 00 00 01 08 00 00 00'], // a notch down, and its release
      [{ t: 'wheel', dy: -1 }, '08 00 00 ff 08 00 00 00'],
    ];
    // One at a time: QEMU's PS/2 queue holds 16 bytes, and drops packets a slow guest has not taken yet.
    let expected = '';
    for (const [msg, packets] of steps) {
      input.apply(msg);
      expected += (expected ? ' ' : '') + packets;
      expect(await guestBytes(q, after, 'mouse', expected.split(' ').length)).toBe(expected);
    }
  });

  it("follows the guest's mode switches (DesktopSize) and keeps drawing in each mode", async () => {
    const { q, c, screen } = await start();
    await echoGuestReady(q);
    const sizes: string[] = [];
    c.on('resized', (w, h) => sizes.push(`${w}x${h}`));
    const switchTo = async (code: string, size: string) => {
      c.key(code, true);
      c.key(code, false);
      await expect.poll(() => sizes.at(-1), { timeout: 10_000 }).toBe(size);
      await c.freshFrame();
      expect(`${screen.width}x${screen.height}`).toBe(size);
    };
    await switchTo('KeyG', '640x400'); // VGA mode 13h: 320x200, doubled across by QEMU
    await switchTo('KeyV', '1000x600'); // Bochs VBE: not a multiple of 16 wide, and no rounding
    await switchTo('KeyT', '720x400');
    const before = screen.version;
    c.key('KeyB', true);
    c.key('KeyB', false);
    await expect.poll(() => screen.version, { timeout: 10_000 }).toBeGreaterThan(before);
    expect(drawnPixels(screen)).toBeGreaterThan(10_000);
  });

  it('says when QEMU switches to an absolute pointer (a USB tablet made current) and back', async () => {
    const { q, c } = await start({ extra: ['-usb', '-device', 'usb-tablet'] });
    const mice = await q.qmp.execute<{ index: number; name: string }[]>('query-mice');
    const tablet = mice.find((m) => /Tablet/.test(m.name))!;
    const ps2 = mice.find((m) => /PS\/2/.test(m.name))!;
    await q.qmp.execute('human-monitor-command', { 'command-line': `mouse_set ${tablet.index}` });
    await expect.poll(() => c.absolutePointer, { timeout: 5000 }).toBe(true);
    await q.qmp.execute('human-monitor-command', { 'command-line': `mouse_set ${ps2.index}` });
    await expect.poll(() => c.absolutePointer, { timeout: 5000 }).toBe(false);
  });

  it('Ctrl+Alt+2: QEMU keeps it for switching consoles unless its VNC is bound to the VGA device', async () => {
    /** The keyboard bytes the guest got; Ctrl and Alt going up come last, so when they are in, all is. */
    const chord = async (q: QemuUnderTest, c: RfbClient, expectedBytes: number) => {
      const after = await echoGuestReady(q);
      for (const [code, down] of [['ControlLeft', true], ['AltLeft', true], ['Digit2', true], ['Digit2', false], ['AltLeft', false], ['ControlLeft', false]] as const)
        c.key(code, down);
      return guestBytes(q, after, 'keyboard', expectedBytes);
    };
    const unbound = await start();
    expect(await chord(unbound.q, unbound.c, 4)).toBe('1d 38 b8 9d'); // the 2 never reaches the guest
    unbound.c.close();
    await unbound.q.stop();
    const bound = await start({ display: true });
    expect(await chord(bound.q, bound.c, 6)).toBe('1d 38 03 83 b8 9d');
  });
});

// ---- a fake server: the client's side of the protocol, and what it does with a broken stream ----

interface FakeServer {
  socketPath: string;
  /** Bytes the client has sent so far. */
  received(): Buffer;
  waitForBytes(n: number): Promise<Buffer>;
  send(bytes: Buffer): void;
  close(): void;
}

async function fakeServer(dir: string, name: string, greeting: Buffer): Promise<FakeServer> {
  const socketPath = path.join(dir, name);
  let peer: net.Socket | null = null;
  let got = Buffer.alloc(0);
  const server = net.createServer((s) => {
    peer = s;
    s.on('data', (d: Buffer) => (got = Buffer.concat([got, d])));
    s.on('error', () => undefined);
    s.write(greeting);
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  return {
    socketPath,
    received: () => got,
    waitForBytes: async (n) => {
      await expect.poll(() => got.length, { timeout: 5000, interval: 10 }).toBeGreaterThanOrEqual(n);
      return got;
    },
    send: (bytes) => peer!.write(bytes),
    close: () => {
      peer?.destroy();
      server.close();
    },
  };
}

const be16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const be32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const HELLO = Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([1, 1]), be32(0)]);
const init = (w: number, h: number) =>
  Buffer.concat([be16(w), be16(h), Buffer.from([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]), be32(4), Buffer.from('fake')]);
const rect = (x: number, y: number, w: number, h: number, enc: number, payload = Buffer.alloc(0)) =>
  Buffer.concat([be16(x), be16(y), be16(w), be16(h), be32(enc), payload]);
const update = (...rects: Buffer[]) => Buffer.concat([Buffer.from([0, 0]), be16(rects.length), ...rects]);
/** Version, security choice, ClientInit, SetPixelFormat, SetEncodings, the first (full) update request. */
const CLIENT_SETUP_BYTES = 12 + 1 + 1 + 20 + 4 + 4 * CLIENT_ENCODINGS.length + 10;

describe('RFB client against a fake server', () => {
  const dir = tempDir('rfb-fake');

  it('says what it wants in order: 3.8, no security, shared, B-G-R-X pixels, its encodings, a full update', async () => {
    const server = await fakeServer(dir, 'setup.sock', Buffer.concat([HELLO, init(4, 3)]));
    const client = await RfbClient.connect(server.socketPath, new ScreenModel());
    const sent = await server.waitForBytes(CLIENT_SETUP_BYTES);
    const expected = Buffer.concat([
      Buffer.from('RFB 003.008\n'),
      Buffer.from([1, 1]),
      encodeSetPixelFormat(PIXEL_FORMAT_BGRX),
      encodeSetEncodings(CLIENT_ENCODINGS),
      Buffer.from([3, 0, 0, 0, 0, 0, 0, 4, 0, 3]),
    ]);
    expect(sent.toString('hex')).toBe(expected.toString('hex'));
    client.close();
    server.close();
  });

  it('draws Raw and CopyRect rectangles into the screen model as opaque RGBA, and resizes it', async () => {
    const server = await fakeServer(dir, 'draw.sock', Buffer.concat([HELLO, init(4, 3)]));
    const screen = new ScreenModel();
    const client = await RfbClient.connect(server.socketPath, screen, { continuous: false, wakeEveryMs: 0 });
    await server.waitForBytes(CLIENT_SETUP_BYTES);
    const bgrx = Buffer.from([0x30, 0x20, 0x10, 0, 0x60, 0x50, 0x40, 0]); // two pixels: #102030, #405060
    const updated = new Promise<void>((r) => client.once('update', r));
    server.send(update(rect(0, 0, 2, 1, ENCODING.raw, bgrx), rect(2, 2, 2, 1, ENCODING.copyRect, Buffer.concat([be16(0), be16(0)]))));
    await updated;
    const px = (x: number, y: number) => [...screen.frame.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 4)];
    expect([px(0, 0), px(1, 0), px(2, 2), px(3, 2), px(3, 0)]).toEqual([[0x10, 0x20, 0x30, 255], [0x40, 0x50, 0x60, 255], [0x10, 0x20, 0x30, 255], [0x40, 0x50, 0x60, 255], [0, 0, 0, 0]]);
    const resized = new Promise((r) => client.once('resized', (w, h) => r(`${w}x${h}`)));
    server.send(update(rect(0, 0, 8, 2, ENCODING.desktopSize)));
    expect(await resized).toBe('8x2');
    expect([screen.width, screen.height]).toEqual([8, 2]);
    // A resize is followed by a full request (QEMU answers no incremental one until then).
    const afterResize = await server.waitForBytes(CLIENT_SETUP_BYTES + 10);
    expect(afterResize.subarray(CLIENT_SETUP_BYTES).toString('hex')).toBe('03000000000000080002');
    client.close();
    server.close();
  });

  it('keeps one update request outstanding: the next goes when an answer (pixels, or an empty update) arrives', async () => {
    const server = await fakeServer(dir, 'requests.sock', Buffer.concat([HELLO, init(2, 2)]));
    const client = await RfbClient.connect(server.socketPath, new ScreenModel(), { continuous: true, wakeEveryMs: 0 });
    await server.waitForBytes(CLIENT_SETUP_BYTES);
    client.requestUpdate(); // one is already waiting: nothing sent
    server.send(update(rect(0, 0, 2, 2, ENCODING.pointerTypeChange))); // unasked, no pixels: not the answer
    await new Promise((r) => setTimeout(r, 100));
    expect(server.received().length).toBe(CLIENT_SETUP_BYTES);
    server.send(update(rect(0, 0, 1, 1, ENCODING.raw, Buffer.alloc(4))));
    const sent = await server.waitForBytes(CLIENT_SETUP_BYTES + 10);
    expect(sent.subarray(CLIENT_SETUP_BYTES).toString('hex')).toBe('03010000000000020002'); // incremental
    server.send(update()); // an empty update: nothing changed, but an answer all the same
    const again = await server.waitForBytes(CLIENT_SETUP_BYTES + 20);
    expect(again.subarray(CLIENT_SETUP_BYTES + 10).toString('hex')).toBe('03010000000000020002');
    client.close();
    server.close();
  });

  it('by default asks again only when told, and wakes QEMU only while a request waits', async () => {
    const server = await fakeServer(dir, 'manual.sock', Buffer.concat([HELLO, init(2, 2)]));
    const client = await RfbClient.connect(server.socketPath, new ScreenModel(), { wakeEveryMs: 20 });
    await server.waitForBytes(CLIENT_SETUP_BYTES);
    const WAKE = '0600000000000000';
    const sentSinceSetup = () => server.received().subarray(CLIENT_SETUP_BYTES).toString('hex');
    await expect.poll(() => sentSinceSetup().split(WAKE).length - 1, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
    server.send(update(rect(0, 0, 2, 2, ENCODING.raw, Buffer.alloc(16))));
    await new Promise((r) => setTimeout(r, 60)); // a wake already on its way may still come
    const settled = sentSinceSetup();
    await new Promise((r) => setTimeout(r, 150));
    expect(sentSinceSetup()).toBe(settled); // answered: no request, no wake
    client.requestUpdate();
    await expect.poll(() => sentSinceSetup().slice(settled.length, settled.length + 20)).toBe('03010000000000020002');
    client.close();
    server.close();
  });

  it('resolves freshFrame only with a whole-screen update that began after the call', async () => {
    const server = await fakeServer(dir, 'fresh.sock', Buffer.concat([HELLO, init(2, 1)]));
    const client = await RfbClient.connect(server.socketPath, new ScreenModel(), { continuous: false, wakeEveryMs: 0 });
    await server.waitForBytes(CLIENT_SETUP_BYTES);
    let fresh = false;
    const frame = client.freshFrame().then(() => (fresh = true));
    const asked = await server.waitForBytes(CLIENT_SETUP_BYTES + 8 + 10);
    expect(asked.subarray(CLIENT_SETUP_BYTES).toString('hex')).toBe('0600000000000000' + '03000000000000020001'); // wake, then a full request
    server.send(update(rect(0, 0, 1, 1, ENCODING.raw, Buffer.alloc(4)))); // half the screen
    await new Promise((r) => setTimeout(r, 100));
    expect(fresh).toBe(false);
    server.send(update(rect(0, 0, 2, 1, ENCODING.raw, Buffer.alloc(8))));
    await frame;
    client.close();
    server.close();
  });

  it('sends absolute positions when the server says its pointer is absolute, moving a cursor within the screen', async () => {
    const server = await fakeServer(dir, 'tablet.sock', Buffer.concat([HELLO, init(100, 50)]));
    const client = await RfbClient.connect(server.socketPath, new ScreenModel(), { continuous: false, wakeEveryMs: 0 });
    await server.waitForBytes(CLIENT_SETUP_BYTES);
    const switched = new Promise((r) => client.once('pointer-mode', r));
    server.send(update(rect(1, 0, 100, 50, ENCODING.pointerTypeChange)));
    expect(await switched).toBe(true);
    client.pointer(10, -5, 1); // from the middle (50, 25)
    client.pointer(500, 500, 0); // clamped to the last pixel
    const sent = await server.waitForBytes(CLIENT_SETUP_BYTES + 12);
    expect(sent.subarray(CLIENT_SETUP_BYTES).toString('hex')).toBe('0501' + '003c' + '0014' + '0500' + '0063' + '0031');
    client.close();
    server.close();
  });

  it('ends a malformed stream with a clear error event and a close, not a crash', async () => {
    const server = await fakeServer(dir, 'broken.sock', Buffer.concat([HELLO, init(4, 3)]));
    const client = await RfbClient.connect(server.socketPath, new ScreenModel(), { wakeEveryMs: 0 });
    await server.waitForBytes(CLIENT_SETUP_BYTES);
    const errors: Error[] = [];
    client.on('error', (e) => errors.push(e));
    const closed = new Promise<void>((r) => client.once('close', r));
    const frame = client.freshFrame();
    server.send(update(rect(2, 2, 3, 3, ENCODING.raw, Buffer.alloc(36)))); // 3x3 at (2,2) on a 4x3 screen
    await closed;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RfbProtocolError);
    expect(errors[0]!.message).toBe('a raw rectangle 3x3 at 2,2 outside the 4x3 screen');
    expect(client.closed).toBe(true);
    await expect(frame).rejects.toThrow(/outside the 4x3 screen/);
    expect(client.key('KeyA', true)).toBe(false);
    server.close();
  });

  it('fails to connect, with the reason, to a server that wants a password or is not VNC at all', async () => {
    const vncAuth = await fakeServer(dir, 'auth.sock', Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([1, 2])]));
    await expect(RfbClient.connect(vncAuth.socketPath, new ScreenModel())).rejects.toThrow(/wants authentication \(security types 2\)/);
    vncAuth.close();
    const http = await fakeServer(dir, 'http.sock', Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await expect(RfbClient.connect(http.socketPath, new ScreenModel())).rejects.toThrow(/not a VNC server/);
    http.close();
    const silent = await fakeServer(dir, 'hangup.sock', Buffer.from('RFB 003.008\n'));
    const pending = RfbClient.connect(silent.socketPath, new ScreenModel());
    await silent.waitForBytes(12);
    silent.close();
    await expect(pending).rejects.toThrow(/closed the connection/);
  });
});
