import type { Socket } from 'node:net';
import { encodeFrame } from './stream-framing.js';
import type { SwitchPort } from './virtual-switch.js';

/** Frames waiting for a slow engine beyond this are dropped, as a NIC with a full ring drops them. */
const MAX_QUEUED_BYTES = 2 * 1024 * 1024;

/** A VM's NIC as a switch port: frames out go down the engine's link socket in the stream framing. */
export class NicLink implements SwitchPort {
  constructor(
    readonly id: string,
    readonly mac: string,
    readonly socket: Socket,
  ) {}

  private corked = false;

  deliver(frame: Uint8Array): boolean {
    if (this.socket.destroyed || this.socket.writableLength > MAX_QUEUED_BYTES) return false;
    this.batch();
    this.socket.write(encodeFrame(frame));
    return true;
  }

  /** Frames handed over in one turn of the event loop go down in one write (one system call, not one each). */
  private batch(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }
}
