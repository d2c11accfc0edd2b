import { encodePng } from './png.js';
import type { ScreenModel } from './screen-model.js';

type Shot = { png: Uint8Array; width: number; height: number };

/** PNGs of the screen model; an unchanged screen is not drawn and encoded again (thumbnails ask often). */
export class Screenshots {
  private last: { key: string; shot: Shot } | null = null;

  constructor(private readonly screen: ScreenModel) {}

  take(maxWidth?: number): Shot {
    const key = `${this.screen.version}:${maxWidth ?? 0}`;
    if (this.last?.key !== key) {
      const p = this.screen.pixels();
      this.last = { key, shot: encodePng(p.width, p.height, p.rgba, maxWidth) };
    }
    return this.last.shot;
  }
}
