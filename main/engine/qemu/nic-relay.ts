import type { Socket } from 'node:net';
import { FrameReader, FrameWriter } from '../../net/stream-framing.js';
import { MAX_QUEUED_BYTES, NicPort } from '../nic-port.js';
import type { EngineNic } from '../protocol.js';
import { dial } from './qmp-client.js';

/**
 * A QEMU NIC's cable: QEMU's `-netdev stream` listens on a socket (a 7.2 client could not reconnect) and
 * this process dials in, then carries frames to and from netd through the same NicPort the embedded
 * engine uses. Both sides speak the same length-prefixed framing, so a frame crosses as it is.
 */
export class QemuNicRelay {
  private readonly port: NicPort;
  private writer: FrameWriter | null = null;
  private socket: Socket | null = null;

  constructor(
    nic: EngineNic,
    private readonly qemuSocket: string,
  ) {
    this.port = new NicPort(nic, (frame) => this.writer?.write(frame));
  }

  /** Dials QEMU's side (made when QEMU started) and netd. */
  async start(isAlive: () => boolean): Promise<void> {
    const s = await dial(this.qemuSocket, isAlive);
    s.setNoDelay?.(true);
    this.socket = s;
    this.writer = new FrameWriter(s, MAX_QUEUED_BYTES);
    const reader = new FrameReader((frame) => this.port.send(frame), () => s.destroy());
    s.on('data', (d: Buffer) => reader.push(d));
    s.on('error', () => {});
    this.port.start();
  }

  close(): void {
    this.port.close();
    this.socket?.destroy();
  }
}
