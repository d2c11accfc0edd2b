import type { Socket } from 'node:net';
import { FrameWriter } from './stream-framing.js';
import type { SwitchPort } from './virtual-switch.js';

/** Frames waiting for a slow engine beyond this are dropped, as a NIC with a full ring drops them. */
const MAX_QUEUED_BYTES = 2 * 1024 * 1024;

/** A VM's NIC as a switch port: frames out go down the engine's link socket in the stream framing. */
export class NicLink implements SwitchPort {
  private readonly writer: FrameWriter;

  constructor(
    readonly id: string,
    readonly mac: string,
    readonly socket: Socket,
  ) {
    this.writer = new FrameWriter(socket, MAX_QUEUED_BYTES);
  }

  deliver(frame: Uint8Array): boolean {
    return this.writer.write(frame);
  }
}
