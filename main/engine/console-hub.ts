import type { ConsoleFromVm, ConsoleToVm } from '../api/console.js';
import type { ScreenModel } from './screen-model.js';

/** Anything that shows a console: a MessagePort to a window, or the host's IPC relay to web clients. */
export interface ConsoleSink {
  send(msg: ConsoleFromVm): void;
  readonly closed: boolean;
}

/** How often the screen is looked at for changes (and graphics frames copied): 30 times a second. */
export const FRAME_INTERVAL_MS = 33;

/**
 * Fans the guest's screen out to every open console. A viewer that joins gets the whole screen first; then
 * everyone gets the same changes, batched per frame tick so a burst of put_char calls is one message.
 */
export class ConsoleHub {
  private sinks: ConsoleSink[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly screen: ScreenModel,
    private readonly refresh: () => void,
    private readonly input: (msg: ConsoleToVm) => void,
  ) {}

  attach(sink: ConsoleSink): void {
    this.tick(); // everyone else gets what changed so far, so the full state below starts clean for all
    for (const m of this.screen.fullState()) sink.send(m);
    this.sinks.push(sink);
    this.timer ??= setInterval(() => this.tick(), FRAME_INTERVAL_MS);
  }

  detach(sink: ConsoleSink): void {
    this.sinks = this.sinks.filter((s) => s !== sink);
    if (this.sinks.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Input from a viewer; a refresh asks for the whole screen again. */
  fromViewer(sink: ConsoleSink, msg: ConsoleToVm): void {
    if (msg.t === 'refresh') {
      this.tick();
      for (const m of this.screen.fullState()) sink.send(m);
      return;
    }
    this.input(msg);
  }

  broadcast(msg: ConsoleFromVm): void {
    for (const s of this.sinks) if (!s.closed) s.send(msg);
  }

  get viewers(): number {
    return this.sinks.length;
  }

  private tick(): void {
    this.sinks = this.sinks.filter((s) => !s.closed);
    if (this.sinks.length === 0) return;
    this.refresh();
    for (const m of this.screen.takeUpdates()) this.broadcast(m);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
