import { CELL_BLINK, CELL_FONT_PAGE_B } from '../api/console.js';

/**
 * Draws a text-mode screen into RGBA pixels with the guest's own font (VGA plane 2), as the VGA hardware
 * does: one pass a cell, background then foreground bits. Used for screenshots in the engine and by the
 * console in the renderer, so both show the same pixels.
 */
export interface FontInfo {
  width: number; // 8, 9 or 16 (double width)
  height: number;
  copy8thCol: boolean;
  pageA: number;
  pageB: number;
  bitmap: Uint8Array; // plane 2: character c of page p at (p * 256 + c) * 32, one byte a scan line
}

export interface TextScreen {
  cols: number;
  rows: number;
  /** cols x rows cells of 4 ints: character, flags, background RGB, foreground RGB. */
  cells: Int32Array;
  cursor: { row: number; col: number; start: number; end: number; enabled: boolean };
}

export function textPixelSize(screen: TextScreen, font: FontInfo): { width: number; height: number } {
  return { width: screen.cols * font.width, height: screen.rows * font.height };
}

/** Draws rows [firstRow, lastRow) into `out` (RGBA of the whole screen). `blinkOn`: blinking text shown. */
export function renderTextRows(
  screen: TextScreen,
  font: FontInfo,
  out: Uint8ClampedArray | Uint8Array,
  firstRow = 0,
  lastRow = screen.rows,
  blinkOn = true,
): void {
  const pixelsWide = screen.cols * font.width;
  const doubled = font.width === 16;
  const nineWide = font.width === 9;
  for (let row = firstRow; row < lastRow; row++) {
    for (let col = 0; col < screen.cols; col++) {
      const at = (row * screen.cols + col) * 4;
      const chr = screen.cells[at]! & 0xff;
      const flags = screen.cells[at + 1]!;
      const bg = screen.cells[at + 2]!;
      const fg = screen.cells[at + 3]!;
      const page = flags & CELL_FONT_PAGE_B ? font.pageB : font.pageA;
      const glyph = (page * 256 + chr) * 32;
      const hidden = (flags & CELL_BLINK) !== 0 && !blinkOn;
      for (let line = 0; line < font.height; line++) {
        const bits = hidden ? 0 : font.bitmap[glyph + line]!;
        let p = ((row * font.height + line) * pixelsWide + col * font.width) * 4;
        for (let x = 0; x < font.width; x++) {
          const bit = doubled ? x >> 1 : x;
          const on =
            bit < 8 ? (bits & (0x80 >> bit)) !== 0 : nineWide && font.copy8thCol && chr >= 0xc0 && chr <= 0xdf && (bits & 1) !== 0;
          const rgb = on ? fg : bg;
          out[p] = (rgb >> 16) & 0xff;
          out[p + 1] = (rgb >> 8) & 0xff;
          out[p + 2] = rgb & 0xff;
          out[p + 3] = 0xff;
          p += 4;
        }
      }
    }
  }
  drawCursor(screen, font, out, firstRow, lastRow, blinkOn);
}

function drawCursor(screen: TextScreen, font: FontInfo, out: Uint8ClampedArray | Uint8Array, firstRow: number, lastRow: number, blinkOn: boolean): void {
  const c = screen.cursor;
  if (!c.enabled || !blinkOn || c.row < firstRow || c.row >= lastRow || c.col >= screen.cols) return;
  const fg = screen.cells[(c.row * screen.cols + c.col) * 4 + 3]!;
  const pixelsWide = screen.cols * font.width;
  for (let line = Math.max(0, c.start); line <= Math.min(font.height - 1, c.end); line++) {
    let p = ((c.row * font.height + line) * pixelsWide + c.col * font.width) * 4;
    for (let x = 0; x < font.width; x++, p += 4) {
      out[p] = (fg >> 16) & 0xff;
      out[p + 1] = (fg >> 8) & 0xff;
      out[p + 2] = fg & 0xff;
      out[p + 3] = 0xff;
    }
  }
}
