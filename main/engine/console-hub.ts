import type { ConsoleFromVm, ConsoleToVm } from '../api/console.js';
import type { ScreenModel } from './screen-model.js';

/** Anything that shows a console: a MessagePort to a window, or the host's IPC relay to web clients. */
export interface ConsoleSink {
  send(msg: ConsoleFromVm): void;
  readonly closed: boolean;
}

/**
 * How often the screen is looked at for changes (and graphics frames copied): 60 times a second, so a
 * change waits at most 16 ms to leave, and a guest that animates reaches viewers at more than 30 frames/s.
 * A tick with nothing new costs a comparison of dirty flags.
 */
export const FRAME_INTERVAL_MS = 16;

/** Graphics rectangles a viewer may have unacknowledged before its changes wait (merged) for it. */
const MAX_IN_FLIGHT = 2;

interface Viewer {
  sink: ConsoleSink;
  /** Graphics rows changed since this viewer's last rectangle, and when the oldest of those changes was seen. */
  pending: [number, number] | null;
  pendingSince: number;
  inFlight: number;
}

/**
 * Fans the guest's screen out to every open console. A viewer that joins gets the whole screen first; then
 * everyone gets the changes, batched per tick. Graphics go at each viewer's own pace: a viewer acknowledges
 * what it drew, and one that falls behind gets the merged changes when it catches up, so latency stays at
 * one frame's transit instead of growing with a queue.
 */
export class ConsoleHub {
  private viewers: Viewer[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly screen: ScreenModel,
    private readonly refresh: () => void,
    private readonly input: (msg: ConsoleToVm) => void,
  ) {}

  attach(sink: ConsoleSink): void {
    this.tick(); // everyone else gets what changed so far, so the full state below starts clean for all
    const viewer: Viewer = { sink, pending: null, pendingSince: 0, inFlight: 0 };
    this.viewers.push(viewer);
    this.sendFull(viewer);
    this.timer ??= setInterval(() => this.tick(), FRAME_INTERVAL_MS);
  }

  detach(sink: ConsoleSink): void {
    this.viewers = this.viewers.filter((v) => v.sink !== sink);
    if (this.viewers.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Input from a viewer; a refresh asks for the whole screen again, an ack lets its next frame go. */
  fromViewer(sink: ConsoleSink, msg: ConsoleToVm): void {
    const viewer = this.viewers.find((v) => v.sink === sink);
    if (msg.t === 'refresh') {
      this.tick();
      if (viewer) this.sendFull(viewer);
      return;
    }
    if (msg.t === 'frame-ack') {
      if (!viewer) return;
      viewer.inFlight = Math.max(0, viewer.inFlight - Math.max(1, msg.count | 0));
      this.sendPending(viewer); // at once: a fast viewer should not wait for the next tick
      return;
    }
    this.input(msg);
  }

  /** A message every viewer gets as it is (serial bytes, state changes). */
  broadcast(msg: ConsoleFromVm): void {
    for (const v of this.viewers) if (!v.sink.closed) v.sink.send(msg);
  }

  get count(): number {
    return this.viewers.length;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    this.viewers = this.viewers.filter((v) => !v.sink.closed);
    if (this.viewers.length === 0) return;
    this.refresh();
    const { messages, dirtyRows } = this.screen.takeUpdates();
    for (const m of messages) this.broadcast(m);
    if (messages.some((m) => m.t === 'mode')) for (const v of this.viewers) v.inFlight = 0; // a new mode starts afresh
    if (!dirtyRows) return;
    const seen = Date.now();
    for (const v of this.viewers) {
      if (!v.pending) v.pendingSince = seen;
      v.pending = v.pending ? [Math.min(v.pending[0], dirtyRows[0]), Math.max(v.pending[1], dirtyRows[1])] : dirtyRows;
      this.sendPending(v);
    }
  }

  private sendPending(v: Viewer): void {
    if (!v.pending || v.inFlight >= MAX_IN_FLIGHT || v.sink.closed || !this.screen.graphical) return;
    // Stamped with when its oldest change was seen, not when it leaves: the age a person would perceive.
    v.sink.send(this.screen.rect(v.pending[0], v.pending[1], v.pendingSince));
    v.pending = null;
    v.inFlight++;
  }

  private sendFull(v: Viewer): void {
    const all = this.screen.fullState();
    for (const m of all) v.sink.send(m);
    v.pending = null;
    v.inFlight = all.filter((m) => m.t === 'rect').length;
  }
}
