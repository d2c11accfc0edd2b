import net, { type Socket } from 'node:net';
import { encodeFrame, FrameReader, FrameWriter } from '../net/stream-framing.js';
import type { NicHello } from '../net/netd-protocol.js';
import type { EngineNic } from './protocol.js';

const REDIAL_PAUSES_MS = [50, 100, 250, 500, 1000, 2000];
/** Frames queued for a slow switch beyond this are dropped, as a NIC whose wire is busy drops them. */
export const MAX_QUEUED_BYTES = 1024 * 1024;

/**
 * A NIC's cable to netd: a socket in the stream framing, straight from this process (no hop through the
 * host). When netd goes away the link is down and is dialled again until it is back, so a restarted netd
 * is a blip for the guest, never a dead NIC.
 */
export class NicPort {
  private socket: Socket | null = null;
  private up = false;
  private attempts = 0;
  private closed = false;
  private writer: FrameWriter | null = null;
  private timer: NodeJS.Timeout | null = null;
  sent = 0;
  dropped = 0;

  constructor(
    readonly nic: EngineNic,
    private readonly toGuest: (frame: Uint8Array) => void,
  ) {}

  get linked(): boolean {
    return this.up;
  }

  start(): void {
    this.dial();
  }

  send(frame: Uint8Array): void {
    if (this.up && this.writer?.write(frame)) this.sent++;
    else this.dropped++;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.destroy();
  }

  private dial(): void {
    if (this.closed) return;
    const s = net.createConnection(this.nic.socket);
    this.socket = s;
    this.writer = new FrameWriter(s, MAX_QUEUED_BYTES);
    s.setNoDelay?.(true);
    const reader = new FrameReader(this.toGuest, () => s.destroy());
    s.on('connect', () => {
      this.up = true;
      this.attempts = 0;
      const hello: NicHello = { portId: this.nic.portId, mac: this.nic.mac };
      s.write(encodeFrame(new TextEncoder().encode(JSON.stringify(hello))));
    });
    s.on('data', (d: Buffer) => reader.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      this.up = false;
      if (this.socket !== s || this.closed) return;
      const pause = REDIAL_PAUSES_MS[Math.min(this.attempts++, REDIAL_PAUSES_MS.length - 1)]!;
      this.timer = setTimeout(() => this.dial(), pause);
      this.timer.unref();
    });
  }
}
