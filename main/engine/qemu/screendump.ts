import { promises as fs } from 'node:fs';
import { PNG } from 'pngjs';
import { encodePng } from '../png.js';
import type { QmpClient } from './qmp-client.js';

type Shot = { png: Uint8Array; width: number; height: number };

/**
 * A picture of the guest's screen by QMP `screendump`: QEMU draws it at once (VNC would wait for its next
 * look at the screen), ~2x faster than a fresh VNC frame. Full size comes as QEMU's own PNG; a thumbnail
 * from its PPM, shrunk before encoding (encoding is the slow part).
 */
export async function screendump(qmp: QmpClient, file: string, maxWidth?: number): Promise<Shot> {
  if (!maxWidth) {
    await qmp.execute('screendump', { filename: file, format: 'png' });
    const png = await fs.readFile(file);
    const { width, height } = PNG.sync.read(png, { skipRescale: true } as never);
    return { png: new Uint8Array(png), width, height };
  }
  await qmp.execute('screendump', { filename: file });
  const { width, height, rgba } = readPpm(await fs.readFile(file));
  return encodePng(width, height, rgba, maxWidth);
}

/** A binary PPM (P6, 8-bit) as RGBA. */
export function readPpm(ppm: Buffer): { width: number; height: number; rgba: Uint8Array } {
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 64).toString('latin1'));
  if (!header || header[3] !== '255') throw new Error('screendump gave no 8-bit PPM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  const rgb = ppm.subarray(header[0].length);
  if (rgb.length < width * height * 3) throw new Error('screendump gave a PPM cut short');
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height * 3; i += 3, j += 4) {
    rgba[j] = rgb[i]!;
    rgba[j + 1] = rgb[i + 1]!;
    rgba[j + 2] = rgb[i + 2]!;
    rgba[j + 3] = 255;
  }
  return { width, height, rgba };
}
