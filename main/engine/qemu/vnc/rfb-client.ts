import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { ScreenModel } from '../../screen-model.js';
import { qemuKeyNumber } from '../../keyboard/scancodes.js';
import { dial } from '../qmp-client.js';
import {
  BUTTON,
  CLIENT_ENCODINGS,
  PIXEL_FORMAT_BGRX,
  RELATIVE_ORIGIN,
  RfbProtocolError,
  SECURITY_NONE,
  ServerStreamDecoder,
  bgrxToRgba,
  encodeClientCutText,
  encodeClientInit,
  encodeClientVersion,
  encodePointerEvent,
  encodeQemuKeyEvent,
  encodeSecurityChoice,
  encodeSetEncodings,
  encodeSetPixelFormat,
  encodeUpdateRequest,
  type ServerEvent,
} from './rfb-messages.js';

export interface RfbClientOptions {
  /**
   * Ask for the next update as soon as one arrives (default false: updates are asked for with
   * requestUpdate(), as the console hub's ticks do while someone watches, so an unwatched guest costs nothing).
   */
  continuous?: boolean;
  /**
   * While an update request waits, poke QEMU this often (ms; 0: never; default 50). QEMU looks at the
   * guest's screen every 30 ms while it changes, but backs off by 50 ms a look to every 3 s while it does
   * not, until a client sends input. Measured on QEMU 7.2, medians of a whole-screen change showing up after
   * 1.5 s quiet / after a key typed over VNC: never 220 / 85 ms (on input QEMU looks at once, before the
   * guest has reacted, then backs off); 50 ms: 30-40 / 30-35 ms, for 0.4% of a core in QEMU and as much
   * here; 20 ms: 16-21 / 21-23 ms, for 1% each.
   */
  wakeEveryMs?: number;
}

export interface RfbClientEvents {
  /** QEMU changed the screen's size (the guest switched video mode). */
  resized: [width: number, height: number];
  /** Pixels from the server were drawn into the screen model. */
  update: [];
  /** Whether QEMU's pointer is absolute (a USB tablet) or relative (a PS/2 mouse). */
  'pointer-mode': [absolute: boolean];
  /** The guest's keyboard lights: LED bits. */
  leds: [leds: number];
  /** Emitted only when someone listens; the cause is also kept in `error`, and `close` follows. */
  error: [error: Error];
  close: [];
}

const DEFAULT_WAKE_MS = 50;
const DEFAULT_FRESH_FRAME_MS = 5000;
/**
 * An update request this old is sent again when asked: it costs ten bytes, and a request QEMU dropped
 * would otherwise leave the screen frozen.
 */
const STALE_REQUEST_MS = 1000;
const MAX_WHEEL_STEPS = 20;
/** Relative motion QEMU can take in one event (x and y are 16-bit, offset by RELATIVE_ORIGIN). */
const MAX_MOTION = 0x7fff;

interface FrameWaiter {
  /** The update count when the frame was asked for: only a later update can be the answer. */
  afterUpdate: number;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A VNC client for QEMU's `-vnc unix:PATH`, drawing into a ScreenModel: the console's renderer, screenshots
 * and text dumps then work as with any engine. Keys go by scan code (QEMU's extended key event), the mouse
 * as relative motion (or absolute, when QEMU says its pointer is a tablet).
 */
export class RfbClient extends EventEmitter<RfbClientEvents> {
  /** Settles once the server has described its screen and the client has said what it wants. */
  readonly ready: Promise<void>;
  width = 0;
  height = 0;
  name = '';
  absolutePointer = false;
  leds = 0;
  closed = false;
  /** Why the connection ended, when it was not close(). */
  error: Error | null = null;

  private readonly decoder = new ServerStreamDecoder();
  private readonly continuous: boolean;
  private readonly wakeEveryMs: number;
  private initialized = false;
  private extendedKeys = false;
  private requestPending = false;
  private requestedAt = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  private updatesStarted = 0;
  /** Whether the update being read answers a request: QEMU sends pseudo-rectangles alone unasked. */
  private answering = false;
  private coveredPixels = 0;
  private waiters: FrameWaiter[] = [];
  private buttons = 0;
  private cursorX = 0;
  private cursorY = 0;
  private settleReady!: (error?: Error) => void;

  /** Connects to a socket QEMU may still be creating; resolves when the screen is known. */
  static async connect(path: string, screen: ScreenModel, options: RfbClientOptions & { isAlive?: () => boolean } = {}): Promise<RfbClient> {
    return RfbClient.start(await dial(path, options.isAlive), screen, options);
  }

  /** Speaks RFB on a connected socket; resolves when the screen is known. */
  static async start(socket: Duplex, screen: ScreenModel, options: RfbClientOptions = {}): Promise<RfbClient> {
    const client = new RfbClient(socket, screen, options);
    await client.ready;
    return client;
  }

  constructor(
    private readonly socket: Duplex,
    private readonly screen: ScreenModel,
    options: RfbClientOptions = {},
  ) {
    super();
    this.continuous = options.continuous ?? false;
    this.wakeEveryMs = options.wakeEveryMs ?? DEFAULT_WAKE_MS;
    this.ready = new Promise((resolve, reject) => (this.settleReady = (e) => (e ? reject(e) : resolve())));
    this.ready.catch(() => undefined); // the same failure reaches `error` and `close`: not unhandled
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: Error) => this.fail(e));
    socket.on('close', () => this.finish(new Error('the VNC server closed the connection')));
  }

  /** Asks for what changed since the last update, unless a request is already waiting. */
  requestUpdate(): void {
    if (!this.initialized || (this.requestPending && Date.now() - this.requestedAt < STALE_REQUEST_MS)) return;
    this.sendRequest(true);
  }

  /**
   * Resolves once the whole screen, as QEMU sees it after this call, is in the screen model (for a
   * screenshot). A full update is asked for: QEMU does not answer an incremental one when nothing changed.
   * Measured for 720x400: 5-9 ms when QEMU had backed off (the wake-up makes it look at once), 15-30 ms
   * while it looks every 30 ms anyway (it waits for its next look).
   */
  freshFrame(timeoutMs = DEFAULT_FRESH_FRAME_MS): Promise<void> {
    if (this.closed) return Promise.reject(this.error ?? new Error('the VNC connection is closed'));
    return new Promise((resolve, reject) => {
      const waiter: FrameWaiter = { afterUpdate: this.updatesStarted, resolve, reject, timer: setTimeout(() => timedOut(), timeoutMs) };
      const timedOut = () => this.dropWaiter(waiter, new Error(`no frame from the VNC server within ${timeoutMs} ms`));
      this.waiters.push(waiter);
      if (!this.initialized) return; // the first request, sent on connecting, is a full one
      this.wake();
      this.sendRequest(false);
    });
  }

  /** A key by KeyboardEvent.code, pressed or released; false when it cannot be sent (no such PC key). */
  key(code: string, down: boolean): boolean {
    const qnum = qemuKeyNumber(code);
    if (qnum === null || !this.extendedKeys) return false;
    // Keysym 0: QEMU goes by the scan code unless started with -k, and asking for LED state stops it
    // inventing Caps Lock or Num Lock presses from keysyms.
    this.send(encodeQemuKeyEvent(down, 0, qnum));
    return true;
  }

  /** Mouse motion (pixels, y down) with the buttons now held (BUTTON.left | middle | right). */
  pointer(dx: number, dy: number, buttons: number): void {
    this.buttons = buttons & (BUTTON.left | BUTTON.middle | BUTTON.right);
    this.sendPointer(this.buttons, dx, dy);
  }

  /** Wheel notches: positive scrolls down. Each is a press and release of button 5 (down) or 4 (up). */
  wheel(steps: number): void {
    const button = steps > 0 ? BUTTON.wheelDown : BUTTON.wheelUp;
    const count = Math.min(Math.abs(Math.trunc(steps)), MAX_WHEEL_STEPS);
    for (let i = 0; i < count; i++) {
      this.sendPointer(this.buttons | button, 0, 0);
      this.sendPointer(this.buttons, 0, 0);
    }
  }

  close(): void {
    this.finish(new Error('the VNC client was closed'));
  }

  private onData(chunk: Buffer): void {
    try {
      for (const e of this.decoder.push(chunk)) this.onEvent(e);
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private onEvent(e: ServerEvent): void {
    switch (e.t) {
      case 'version':
        return this.send(encodeClientVersion());
      case 'security-types':
        return this.chooseSecurity(e.types);
      case 'security-ok':
        return this.send(encodeClientInit(true));
      case 'server-init':
        return this.onServerInit(e.width, e.height, e.name);
      case 'update-start':
        return this.onUpdateStart(e.rects);
      case 'raw':
        return this.drawRaw(e);
      case 'copy':
        return this.drawCopy(e);
      case 'desktop-size':
        return this.onDesktopSize(e.width, e.height);
      case 'pointer-mode':
        this.absolutePointer = e.absolute;
        return void this.emit('pointer-mode', e.absolute);
      case 'extended-keys':
        this.extendedKeys = true;
        return;
      case 'leds':
        this.leds = e.leds;
        return void this.emit('leds', e.leds);
      case 'update-end':
        return this.onUpdateEnd();
      default:
        return; // a bell, cut text, a colour map: nothing the console shows
    }
  }

  private chooseSecurity(types: number[]): void {
    if (types.includes(SECURITY_NONE)) return this.send(encodeSecurityChoice(SECURITY_NONE));
    throw new RfbProtocolError(`the VNC server wants authentication (security types ${types.join(', ')}), and this client has none`);
  }

  private onServerInit(width: number, height: number, name: string): void {
    this.name = name;
    this.resize(width, height);
    this.send(encodeSetPixelFormat(PIXEL_FORMAT_BGRX));
    this.send(encodeSetEncodings(CLIENT_ENCODINGS));
    this.initialized = true;
    this.sendRequest(false);
    this.startWaking();
    this.settleReady();
  }

  private onDesktopSize(width: number, height: number): void {
    this.resize(width, height);
    this.emit('resized', width, height);
    // Measured on QEMU 7.2: after a resize it answers no incremental request until it gets a full one.
    this.sendRequest(false);
  }

  private resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.cursorX = width >> 1;
    this.cursorY = height >> 1;
    this.screen.setGraphical(true);
    this.screen.setGraphicsSize(width, height);
  }

  private onUpdateStart(rects: number): void {
    this.updatesStarted++;
    this.answering = rects === 0; // an empty update is a server's way to say nothing changed
    this.coveredPixels = 0;
  }

  private drawRaw(r: Extract<ServerEvent, { t: 'raw' }>): void {
    bgrxToRgba(r.pixels);
    this.screen.blit(r.pixels, r.width, 0, 0, r.x, r.y, r.width, r.height);
    this.answering = true;
    this.coveredPixels += r.width * r.height;
  }

  private drawCopy(r: Extract<ServerEvent, { t: 'copy' }>): void {
    // Through a copy: the source and destination may overlap.
    const rowBytes = r.width * 4;
    const copy = new Uint8Array(rowBytes * r.height);
    for (let row = 0; row < r.height; row++) {
      const from = ((r.srcY + row) * this.width + r.srcX) * 4;
      copy.set(this.screen.frame.subarray(from, from + rowBytes), row * rowBytes);
    }
    this.screen.blit(copy, r.width, 0, 0, r.x, r.y, r.width, r.height);
    this.answering = true;
  }

  private onUpdateEnd(): void {
    if (!this.answering) return;
    this.requestPending = false;
    this.emit('update');
    if (this.coveredPixels >= this.width * this.height) this.resolveWaiters();
    if (this.continuous) this.requestUpdate();
  }

  private resolveWaiters(): void {
    const answered = this.waiters.filter((w) => w.afterUpdate < this.updatesStarted);
    this.waiters = this.waiters.filter((w) => w.afterUpdate >= this.updatesStarted);
    for (const w of answered) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  private dropWaiter(waiter: FrameWaiter, error: Error): void {
    this.waiters = this.waiters.filter((w) => w !== waiter);
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }

  private sendRequest(incremental: boolean): void {
    this.send(encodeUpdateRequest(incremental, 0, 0, this.width, this.height));
    this.requestPending = true;
    this.requestedAt = Date.now();
  }

  private sendPointer(buttons: number, dx: number, dy: number): void {
    if (!this.initialized) return;
    const [x, y] = this.absolutePointer ? this.moveCursor(dx, dy) : [RELATIVE_ORIGIN + clampMotion(dx), RELATIVE_ORIGIN + clampMotion(dy)];
    this.send(encodePointerEvent(buttons, x, y));
  }

  /** A tablet wants a position: the console's motion moves a cursor kept here. */
  private moveCursor(dx: number, dy: number): [number, number] {
    this.cursorX = clamp(this.cursorX + Math.round(dx), 0, Math.max(0, this.width - 1));
    this.cursorY = clamp(this.cursorY + Math.round(dy), 0, Math.max(0, this.height - 1));
    return [this.cursorX, this.cursorY];
  }

  /**
   * Empty client cut text: the one message QEMU treats as activity (as it does input) that neither the guest
   * nor the screen notices. (It empties QEMU's clipboard; with a qemu-vdagent clipboard attached, turn
   * waking off.)
   */
  private wake(): void {
    this.send(encodeClientCutText(''));
  }

  private startWaking(): void {
    if (this.wakeEveryMs <= 0 || this.wakeTimer) return;
    // Input wakes QEMU too, but too early: it looks at once, before the guest has reacted, finds nothing
    // and backs off to 80 ms. So input does not put the next wake-up off.
    this.wakeTimer = setInterval(() => this.requestPending && this.wake(), this.wakeEveryMs);
    this.wakeTimer.unref();
  }

  private send(message: Buffer): void {
    if (!this.closed) this.socket.write(message);
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.error = error;
    if (this.listenerCount('error') > 0) this.emit('error', error);
    this.finish(error);
  }

  private finish(reason: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.wakeTimer) clearInterval(this.wakeTimer);
    this.settleReady(reason);
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(reason);
    }
    this.socket.destroy();
    this.emit('close');
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function clampMotion(d: number): number {
  return clamp(Math.round(d), -MAX_MOTION, MAX_MOTION);
}
