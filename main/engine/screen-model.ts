import type { ConsoleFromVm } from '../api/console.js';
import { cp437ToString } from '../console/cp437.js';
import { renderTextRows, textPixelSize, type FontInfo, type TextScreen } from '../console/text-render.js';

/**
 * What the guest's screen shows, kept in the VM's process: text cells and font, or graphics pixels. Engines
 * feed it; it hands out the changes since last asked (for viewers) or the whole screen (for a new viewer,
 * a screenshot, a text dump).
 */
export class ScreenModel {
  graphical = false;
  text: TextScreen = { cols: 80, rows: 25, cells: new Int32Array(80 * 25 * 4), cursor: { row: 0, col: 0, start: 14, end: 15, enabled: true } };
  font: FontInfo | null = null;
  width = 0;
  height = 0;
  /** The graphics frame, RGBA. */
  frame = new Uint8Array(0);

  /** Goes up with every change to what the screen shows (a screenshot of an unchanged screen can be reused). */
  version = 0;
  private dirtyRows = new Uint8Array(25);
  private dirtyY: [number, number] | null = null;
  private modeChanged = true;
  private fontChanged = false;
  private cursorChanged = false;

  putChar(row: number, col: number, chr: number, flags: number, bg: number, fg: number): void {
    const t = this.text;
    if (row >= t.rows || col >= t.cols) return;
    const at = (row * t.cols + col) * 4;
    const c = t.cells;
    if (c[at] === chr && c[at + 1] === flags && c[at + 2] === bg && c[at + 3] === fg) return;
    c[at] = chr;
    c[at + 1] = flags;
    c[at + 2] = bg;
    c[at + 3] = fg;
    this.dirtyRows[row] = 1;
    this.version++;
  }

  setTextSize(cols: number, rows: number): void {
    if (cols === this.text.cols && rows === this.text.rows) return;
    this.text = { ...this.text, cols, rows, cells: new Int32Array(cols * rows * 4) };
    this.dirtyRows = new Uint8Array(rows).fill(1);
    this.modeChanged = true;
    this.version++;
  }

  setGraphical(graphical: boolean): void {
    if (graphical === this.graphical) return;
    this.graphical = graphical;
    this.modeChanged = true;
    this.version++;
    if (!graphical) this.dirtyRows.fill(1);
  }

  setGraphicsSize(width: number, height: number): void {
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    this.frame = new Uint8Array(width * height * 4);
    this.modeChanged = true;
    this.version++;
    this.dirtyY = [0, height];
  }

  setCursor(row: number, col: number): void {
    const c = this.text.cursor;
    if (c.row === row && c.col === col) return;
    this.text.cursor = { ...c, row, col };
    this.cursorChanged = true;
    this.version++;
  }

  setCursorShape(start: number, end: number, enabled: boolean): void {
    const c = this.text.cursor;
    if (c.start === start && c.end === end && c.enabled === enabled) return;
    this.text.cursor = { ...c, start, end, enabled };
    this.cursorChanged = true;
    this.version++;
  }

  setFont(font: Omit<FontInfo, 'pageA' | 'pageB'>, bitmapChanged: boolean): void {
    const f = this.font;
    if (f && !bitmapChanged && f.width === font.width && f.height === font.height && f.copy8thCol === font.copy8thCol) return;
    this.font = { ...font, pageA: f?.pageA ?? 0, pageB: f?.pageB ?? 0, bitmap: font.bitmap.slice() };
    this.fontChanged = true;
    this.version++;
  }

  setFontPages(pageA: number, pageB: number): void {
    if (!this.font || (this.font.pageA === pageA && this.font.pageB === pageB)) return;
    this.font = { ...this.font, pageA, pageB };
    this.fontChanged = true;
    this.version++;
  }

  /** Copies pixels (RGBA rows of `stride` pixels) into the frame at (x, y). */
  blit(src: Uint8Array | Uint8ClampedArray, stride: number, sx: number, sy: number, x: number, y: number, w: number, h: number): void {
    w = Math.min(w, this.width - x);
    h = Math.min(h, this.height - y);
    if (w <= 0 || h <= 0) return;
    let changedFrom = -1;
    let changedTo = -1;
    for (let row = 0; row < h; row++) {
      const from = ((sy + row) * stride + sx) * 4;
      const to = ((y + row) * this.width + x) * 4;
      const line = src.subarray(from, from + w * 4);
      if (Buffer.compare(Buffer.from(line.buffer, line.byteOffset, line.length), Buffer.from(this.frame.buffer, this.frame.byteOffset + to, w * 4)) === 0)
        continue;
      this.frame.set(line, to);
      if (changedFrom < 0) changedFrom = y + row;
      changedTo = y + row + 1;
    }
    if (changedFrom >= 0) this.version++;
    if (changedFrom >= 0) this.dirtyY = this.dirtyY ? [Math.min(this.dirtyY[0], changedFrom), Math.max(this.dirtyY[1], changedTo)] : [changedFrom, changedTo];
  }

  /**
   * The changes since the last call: console messages for everything but graphics pixels, and the rows of
   * the graphics frame that changed (each viewer gets its rectangle of them at its own pace: rect()).
   */
  takeUpdates(): { messages: ConsoleFromVm[]; dirtyRows: [number, number] | null } {
    if (this.modeChanged) {
      this.modeChanged = false;
      const all = this.fullState();
      return { messages: all.filter((m) => m.t !== 'rect'), dirtyRows: this.graphical && this.height > 0 ? [0, this.height] : null };
    }
    const out: ConsoleFromVm[] = [];
    let dirtyRows: [number, number] | null = null;
    if (this.fontChanged && this.font) {
      this.fontChanged = false;
      out.push({ t: 'font', ...this.font, bitmap: this.font.bitmap.slice() });
    }
    if (this.graphical) {
      dirtyRows = this.dirtyY;
      this.dirtyY = null;
    } else {
      const rows: number[] = [];
      this.dirtyRows.forEach((d, i) => d && rows.push(i));
      this.dirtyRows.fill(0);
      if (rows.length > 0) out.push(this.textMessage(rows));
      if (this.cursorChanged) out.push({ t: 'cursor', ...this.text.cursor });
    }
    this.cursorChanged = false;
    return { messages: out, dirtyRows };
  }

  /** Everything a viewer needs to draw the screen from nothing. */
  fullState(): ConsoleFromVm[] {
    const out: ConsoleFromVm[] = [];
    if (this.graphical) {
      out.push({ t: 'mode', graphical: true, width: this.width, height: this.height });
      if (this.height > 0) out.push(this.rect(0, this.height));
    } else {
      const t = this.text;
      out.push({ t: 'mode', graphical: false, cols: t.cols, rows: t.rows });
      if (this.font) out.push({ t: 'font', ...this.font, bitmap: this.font.bitmap.slice() });
      out.push(this.textMessage(Array.from({ length: t.rows }, (_, i) => i)));
      out.push({ t: 'cursor', ...t.cursor });
    }
    this.dirtyRows.fill(0);
    this.dirtyY = null;
    this.fontChanged = this.cursorChanged = false;
    return out;
  }

  /** The text screen as strings (cp437 decoded), one a row. */
  textRows(): string[] {
    const t = this.text;
    const rows: string[] = [];
    const codes = new Uint8Array(t.cols);
    for (let r = 0; r < t.rows; r++) {
      for (let c = 0; c < t.cols; c++) codes[c] = t.cells[(r * t.cols + c) * 4]!;
      rows.push(cp437ToString(codes).trimEnd());
    }
    return rows;
  }

  /** The screen as RGBA pixels (text drawn with the guest's font). */
  pixels(): { width: number; height: number; rgba: Uint8Array } {
    if (this.graphical) return { width: this.width, height: this.height, rgba: this.frame.slice() };
    if (!this.font) return { width: 0, height: 0, rgba: new Uint8Array(0) };
    const { width, height } = textPixelSize(this.text, this.font);
    const rgba = new Uint8Array(width * height * 4);
    renderTextRows(this.text, this.font, rgba);
    return { width, height, rgba };
  }

  private textMessage(rows: number[]): ConsoleFromVm {
    const t = this.text;
    const cells = new Int32Array(rows.length * t.cols * 4);
    rows.forEach((r, i) => cells.set(t.cells.subarray(r * t.cols * 4, (r + 1) * t.cols * 4), i * t.cols * 4));
    return { t: 'text', cols: t.cols, rows, cells };
  }

  /** Rows [fromY, toY) of the graphics frame as they are now, stamped with the time they were taken. */
  rect(fromY: number, toY: number, capturedAt = Date.now()): Extract<ConsoleFromVm, { t: 'rect' }> {
    const rgba = this.frame.slice(fromY * this.width * 4, toY * this.width * 4);
    return { t: 'rect', x: 0, y: fromY, width: this.width, height: toY - fromY, rgba, capturedAt };
  }
}
