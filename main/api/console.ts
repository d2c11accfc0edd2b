import type { VmState } from './vm-state.js';

/**
 * The console stream between a VM and a viewer (a window, a web page, a screenshot taker). Carried over an
 * Electron MessagePort straight from the VM's process, over the engine's IPC, or over a WebSocket (see
 * console-codec.ts). Text mode travels as character cells and the guest's own font; graphics as dirty
 * rectangles of RGBA pixels.
 */
export type ConsoleFromVm =
  | { t: 'state'; state: VmState; engineStatus: string | null }
  /** Text mode with this many cells, or graphics of this many pixels. */
  | { t: 'mode'; graphical: false; cols: number; rows: number }
  | { t: 'mode'; graphical: true; width: number; height: number }
  /** Whole rows of cells: for each row in `rows`, `cols` cells of 4 ints (character, flags, background RGB, foreground RGB). */
  | { t: 'text'; cols: number; rows: number[]; cells: Int32Array }
  | { t: 'cursor'; row: number; col: number; start: number; end: number; enabled: boolean }
  /**
   * The guest's font (VGA plane 2: 8 pages of 256 characters, 32 bytes a character) and how to cut it:
   * `height` scan lines, `width` pixels (8, 9 or 16), which pages flags 0 and 2 select.
   */
  | { t: 'font'; width: number; height: number; copy8thCol: boolean; pageA: number; pageB: number; bitmap: Uint8Array }
  /** `capturedAt`: when the VM's process first saw the oldest change in these pixels (ms since the epoch), for latency. */
  | { t: 'rect'; x: number; y: number; width: number; height: number; rgba: Uint8Array; capturedAt?: number }
  | { t: 'serial'; port: 1 | 2; data: Uint8Array };

export type ConsoleToVm =
  /** A key by its physical position (KeyboardEvent.code), pressed or released. */
  | { t: 'key'; code: string; down: boolean }
  | { t: 'mouse-move'; dx: number; dy: number }
  | { t: 'mouse-buttons'; left: boolean; middle: boolean; right: boolean }
  | { t: 'wheel'; dy: number }
  | { t: 'serial'; port: 1 | 2; data: Uint8Array }
  | { t: 'ctrl-alt-del' }
  /** Send the whole screen again (a viewer that just attached, or lost track). */
  | { t: 'refresh' }
  /**
   * `count` graphics rectangles were drawn. A viewer may have two unacknowledged at most: past that its
   * changes are merged and sent when it catches up, so a slow viewer sees fewer frames, never old ones.
   */
  | { t: 'frame-ack'; count: number };

/** Text cell flags (as v86 reports them). */
export const CELL_BLINK = 1;
export const CELL_FONT_PAGE_B = 2;
