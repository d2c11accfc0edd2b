import type { ConsoleFromVm, ConsoleToVm } from '../api/console.js';

/** A console viewer the host relays to (web pages); Electron windows get a port straight to the VM. */
export interface ConsoleViewer {
  send(msg: ConsoleFromVm): void;
}

/**
 * One VM's console as the host relays it to web viewers. To the VM's process the relay is a single viewer,
 * so it acknowledges a graphics frame only once every web viewer has drawn it: the slowest viewer sets the
 * pace, and no queue builds up anywhere.
 */
export class ConsoleRelay {
  private readonly viewers = new Set<ConsoleViewer>();
  /** Frames sent to viewers and not yet drawn by all of them, oldest first. */
  private frames: Set<ConsoleViewer>[] = [];

  constructor(private readonly toEngine: (msg: ConsoleToVm) => void) {}

  get size(): number {
    return this.viewers.size;
  }

  add(viewer: ConsoleViewer): void {
    this.viewers.add(viewer);
  }

  remove(viewer: ConsoleViewer): void {
    this.viewers.delete(viewer);
    for (const waiting of this.frames) waiting.delete(viewer);
    this.settle();
  }

  fromEngine(msg: ConsoleFromVm): void {
    if (msg.t === 'rect') this.frames.push(new Set(this.viewers));
    if (msg.t === 'mode') this.frames = [];
    for (const v of this.viewers) v.send(msg);
    if (msg.t === 'rect') this.settle(); // no viewers: acknowledged at once
  }

  fromViewer(viewer: ConsoleViewer, msg: ConsoleToVm): void {
    if (msg.t !== 'frame-ack') return this.toEngine(msg);
    let left = Math.max(1, msg.count | 0);
    for (const waiting of this.frames) {
      if (left === 0) break;
      if (waiting.delete(viewer)) left--;
    }
    this.settle();
  }

  /** Acknowledges to the engine the frames at the head that every viewer has drawn. */
  private settle(): void {
    let done = 0;
    while (this.frames.length > 0 && this.frames[0]!.size === 0) {
      this.frames.shift();
      done++;
    }
    if (done > 0) this.toEngine({ t: 'frame-ack', count: done });
  }
}
