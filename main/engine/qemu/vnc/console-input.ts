import type { ConsoleToVm } from '../../../api/console.js';
import { CTRL_ALT_DEL } from '../../keyboard/scancodes.js';
import { BUTTON } from './rfb-messages.js';

/** What console input needs of the VNC connection (RfbClient has it). */
export interface VncInputSink {
  key(code: string, down: boolean): boolean;
  pointer(dx: number, dy: number, buttons: number): void;
  wheel(steps: number): void;
}

/**
 * A viewer's input as VNC input. Viewers send the mouse buttons as a state when it changes, while every
 * VNC pointer event carries the buttons held: the state is kept here so that motion carries it too.
 */
export class ConsoleInput {
  private buttons = 0;

  constructor(private readonly vnc: VncInputSink) {}

  /** Sends what is guest input; false for the rest (serial, refresh, frame-ack), which is someone else's. */
  apply(msg: ConsoleToVm): boolean {
    switch (msg.t) {
      case 'key':
        this.vnc.key(msg.code, msg.down);
        return true;
      case 'mouse-move':
        this.vnc.pointer(msg.dx, msg.dy, this.buttons);
        return true;
      case 'mouse-buttons':
        this.buttons = (msg.left ? BUTTON.left : 0) | (msg.middle ? BUTTON.middle : 0) | (msg.right ? BUTTON.right : 0);
        this.vnc.pointer(0, 0, this.buttons);
        return true;
      case 'wheel':
        this.vnc.wheel(Math.round(msg.dy) || Math.sign(msg.dy));
        return true;
      case 'ctrl-alt-del':
        this.pressChord(CTRL_ALT_DEL);
        return true;
      default:
        return false;
    }
  }

  /** All keys down in order, then up in reverse, as fingers would. */
  private pressChord(codes: readonly string[]): void {
    for (const code of codes) this.vnc.key(code, true);
    for (const code of [...codes].reverse()) this.vnc.key(code, false);
  }
}
