import { PNG } from 'pngjs';

/** RGBA pixels to PNG bytes, optionally shrunk to at most `maxWidth` wide (thumbnails). */
export function encodePng(width: number, height: number, rgba: Uint8Array, maxWidth?: number): { png: Uint8Array; width: number; height: number } {
  if (width === 0 || height === 0) return encodePng(1, 1, new Uint8Array([0, 0, 0, 255]));
  let w = width;
  let h = height;
  let pixels = rgba;
  if (maxWidth && width > maxWidth) {
    const step = width / maxWidth;
    w = maxWidth;
    h = Math.max(1, Math.round(height / step));
    pixels = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      const sy = Math.min(height - 1, Math.floor(y * step));
      for (let x = 0; x < w; x++) {
        const sx = Math.min(width - 1, Math.floor(x * step));
        pixels.set(rgba.subarray((sy * width + sx) * 4, (sy * width + sx) * 4 + 4), (y * w + x) * 4);
      }
    }
  }
  const png = new PNG({ width: w, height: h });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return { png: new Uint8Array(PNG.sync.write(png)), width: w, height: h };
}
