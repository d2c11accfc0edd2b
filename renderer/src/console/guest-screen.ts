import { CELL_BLINK, type ConsoleFromVm } from '../../../main/api/console.js';
import { renderTextRows, type FontInfo, type TextScreen } from '../../../main/console/text-render.js';

/** Text mode before the guest's font arrives: the VGA's 9×16 cell, so the canvas has a sensible size. */
const DEFAULT_CELL = { width: 9, height: 16 };

/**
 * The guest's screen as the console stream describes it, drawn into a canvas. Text mode keeps the cell
 * grid, cursor and font and draws only the rows that changed (with the shared text renderer, so the
 * console shows the same pixels as screenshots); graphics mode puts the dirty rectangles as they come.
 */
export class GuestScreen {
  graphical = false;
  width = DEFAULT_CELL.width * 80;
  height = DEFAULT_CELL.height * 25;
  private text: TextScreen = { cols: 80, rows: 25, cells: new Int32Array(80 * 25 * 4), cursor: { row: 0, col: 0, start: 14, end: 15, enabled: true } };
  private font: FontInfo | null = null;
  private image: ImageData | null = null;
  private dirty = new Uint8Array(25);
  private blinking = new Uint8Array(25);
  private rects: { x: number; y: number; width: number; height: number; rgba: Uint8Array }[] = [];
  private blinkOn = true;
  /** Graphics rectangles received and not yet acknowledged to the VM (see 'frame-ack'). */
  private toAck = 0;
  /** The canvas must be resized (and so cleared) before the next draw. */
  resized = true;

  /** "80×25 text" or "1024×768". */
  get resolution(): string {
    return this.graphical ? `${this.width}×${this.height}` : `${this.text.cols}×${this.text.rows}`;
  }

  get isText(): boolean {
    return !this.graphical;
  }

  /** Takes one console message in; returns whether there is something new to draw. */
  apply(msg: ConsoleFromVm): boolean {
    switch (msg.t) {
      case 'mode':
        if (msg.graphical) {
          this.graphical = true;
          this.setSize(msg.width, msg.height);
        } else {
          this.graphical = false;
          this.setGrid(msg.cols, msg.rows);
        }
        return true;
      case 'font':
        this.font = { width: msg.width, height: msg.height, copy8thCol: msg.copy8thCol, pageA: msg.pageA, pageB: msg.pageB, bitmap: msg.bitmap };
        if (!this.graphical) this.setGrid(this.text.cols, this.text.rows);
        return true;
      case 'text':
        return this.putRows(msg.cols, msg.rows, msg.cells);
      case 'cursor': {
        const old = this.text.cursor;
        this.markRow(old.row);
        this.text.cursor = { row: msg.row, col: msg.col, start: msg.start, end: msg.end, enabled: msg.enabled };
        this.markRow(msg.row);
        return !this.graphical;
      }
      case 'rect':
        this.toAck++; // drawn or not, it is acknowledged with the next draw, or the VM would hold frames back
        if (this.graphical) this.rects.push(msg);
        return true;
      default:
        return false;
    }
  }

  /** How many rectangles the last draws took in since the last call (to acknowledge to the VM). */
  takeAcks(): number {
    const n = this.toAck;
    this.toAck = 0;
    return n;
  }

  /** Flips blinking text and the cursor; returns whether anything must be redrawn. */
  blink(): boolean {
    this.blinkOn = !this.blinkOn;
    if (this.graphical || !this.font) return false;
    let any = false;
    for (let r = 0; r < this.text.rows; r++)
      if (this.blinking[r]) {
        this.dirty[r] = 1;
        any = true;
      }
    if (this.text.cursor.enabled) any = this.markRow(this.text.cursor.row) || any;
    return any;
  }

  /** Draws what changed since the last draw. The caller resizes the canvas first when `resized` is set. */
  draw(ctx: CanvasRenderingContext2D): void {
    const wasResized = this.resized;
    this.resized = false;
    if (this.graphical) {
      for (const r of this.rects.splice(0)) {
        const pixels = new Uint8ClampedArray(r.rgba.buffer as ArrayBuffer, r.rgba.byteOffset, r.width * r.height * 4);
        ctx.putImageData(new ImageData(pixels, r.width, r.height), r.x, r.y);
      }
      return;
    }
    const font = this.font;
    if (!font) {
      if (wasResized) {
        ctx.fillStyle = '#000';
        ctx.fillRect(0, 0, this.width, this.height);
      }
      return;
    }
    if (!this.image || this.image.width !== this.width || this.image.height !== this.height) this.image = new ImageData(this.width, this.height);
    if (wasResized) this.dirty.fill(1);
    const first = this.dirty.indexOf(1);
    if (first < 0) return;
    const last = this.dirty.lastIndexOf(1) + 1;
    this.dirty.fill(0);
    renderTextRows(this.text, font, this.image.data, first, last, this.blinkOn);
    ctx.putImageData(this.image, 0, 0, 0, first * font.height, this.width, (last - first) * font.height);
  }

  private setSize(width: number, height: number): void {
    this.rects = [];
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    this.resized = true;
  }

  private setGrid(cols: number, rows: number): void {
    const t = this.text;
    if (cols !== t.cols || rows !== t.rows) {
      this.text = { ...t, cols, rows, cells: new Int32Array(cols * rows * 4) };
      this.dirty = new Uint8Array(rows);
      this.blinking = new Uint8Array(rows);
    }
    const cell = this.font ?? DEFAULT_CELL;
    this.setSize(cols * cell.width, rows * cell.height);
    this.resized = true;
  }

  private putRows(cols: number, rows: number[], cells: Int32Array): boolean {
    const t = this.text;
    if (cols !== t.cols) return false; // a stale row from before a mode change: the full screen follows
    const rowInts = cols * 4;
    rows.forEach((r, i) => {
      if (r >= t.rows) return;
      const row = cells.subarray(i * rowInts, (i + 1) * rowInts);
      t.cells.set(row, r * rowInts);
      let blink = 0;
      for (let k = 1; k < rowInts; k += 4) if (row[k]! & CELL_BLINK) blink = 1;
      this.blinking[r] = blink;
      this.dirty[r] = 1;
    });
    return !this.graphical;
  }

  private markRow(row: number): boolean {
    if (row < 0 || row >= this.text.rows) return false;
    this.dirty[row] = 1;
    return true;
  }
}
