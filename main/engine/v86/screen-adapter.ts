import type { ScreenModel } from '../screen-model.js';

/** v86's graphics layer: a region of an ImageData (in emulator memory) to show at a screen position. */
interface Layer {
  image_data: { data: Uint8ClampedArray; width: number };
  screen_x: number;
  screen_y: number;
  buffer_x: number;
  buffer_y: number;
  buffer_width: number;
  buffer_height: number;
}

/** The screen adapter object v86 draws through (its DummyScreenAdapter in Node). */
export type V86ScreenAdapter = Record<string, unknown>;

/**
 * Points v86's screen adapter at our screen model: the same calls v86 makes on its browser adapter (put_char,
 * set_mode, set_font_bitmap, update_buffer, ...) land in the model, which turns them into console messages.
 */
export function attachScreen(adapter: V86ScreenAdapter, model: ScreenModel): void {
  Object.assign(adapter, {
    put_char: (row: number, col: number, chr: number, flags: number, bg: number, fg: number) =>
      model.putChar(row, col, chr, flags ?? 0, bg ?? 0, fg ?? 0xaaaaaa),
    set_mode: (graphical: boolean) => model.setGraphical(graphical),
    set_size_text: (cols: number, rows: number) => model.setTextSize(cols, rows),
    set_size_graphical: (width: number, height: number) => model.setGraphicsSize(width, height),
    update_cursor: (row: number, col: number) => model.setCursor(row, col),
    update_cursor_scanline: (start: number, end: number, enabled: boolean) => model.setCursorShape(start, end, enabled),
    set_font_bitmap: (height: number, width9: boolean, widthDouble: boolean, copy8thCol: boolean, bitmap: Uint8Array, changed: boolean) =>
      model.setFont({ height, width: widthDouble ? 16 : width9 ? 9 : 8, copy8thCol, bitmap }, changed),
    set_font_page: (a: number, b: number) => model.setFontPages(a, b),
    update_buffer: (layers: Layer[]) => {
      for (const l of layers)
        model.blit(l.image_data.data, l.image_data.width, l.buffer_x, l.buffer_y, l.screen_x, l.screen_y, l.buffer_width, l.buffer_height);
    },
    clear_screen: () => undefined,
    set_scale: () => undefined,
    pause: () => undefined,
    continue: () => undefined,
    destroy: () => undefined,
    clear_text_state: () => undefined,
  });
}

/**
 * v86 makes its screen adapter once its WebAssembly has loaded, after the constructor returns: catch the
 * assignment and divert the adapter before the VGA device first draws through it.
 */
export function divertScreen(emulator: object, model: ScreenModel): void {
  let adapter: V86ScreenAdapter | undefined;
  Object.defineProperty(emulator, 'screen_adapter', {
    configurable: true,
    get: () => adapter,
    set: (value: V86ScreenAdapter) => {
      adapter = value;
      attachScreen(value, model);
    },
  });
}

/** v86 builds ImageData for graphics modes; Node has none. This is all it needs of one. */
export function polyfillImageData(): void {
  const g = globalThis as { ImageData?: unknown };
  if (g.ImageData) return;
  g.ImageData = class ImageData {
    constructor(
      readonly data: Uint8ClampedArray,
      readonly width: number,
      readonly height: number,
    ) {}
  };
}
