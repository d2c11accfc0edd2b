import { useEffect, useState, type RefObject } from 'react';
import type { ConsoleChannel } from '../transport/index.js';
import { GuestScreen } from './guest-screen.js';

const BLINK_MS = 267; // the VGA's text blink: on and off about twice a second

export interface ScreenInfo {
  graphical: boolean;
  /** "80×25" (text) or "1024×768". */
  resolution: string;
  width: number;
  height: number;
}

/**
 * Feeds the console stream into a GuestScreen and draws it on the canvas once per animation frame, however
 * many messages came in between; blinks text and cursor. Returns the screen's mode and size as they change.
 */
export function useScreenRenderer(channel: ConsoleChannel | null, canvasRef: RefObject<HTMLCanvasElement | null>): ScreenInfo | null {
  const [info, setInfo] = useState<ScreenInfo | null>(null);
  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d', { alpha: false });
    if (!channel || !canvas || !ctx) return;
    const screen = new GuestScreen();
    let frame = 0;
    let shown = '';
    const draw = () => {
      frame = 0;
      if (screen.resized) {
        canvas.width = screen.width;
        canvas.height = screen.height;
      }
      screen.draw(ctx);
      const drawn = screen.takeAcks();
      if (drawn > 0) channel.send({ t: 'frame-ack', count: drawn }); // lets the VM send the next frame
      const key = `${screen.graphical}:${screen.resolution}:${screen.width}x${screen.height}`;
      if (key !== shown) {
        shown = key;
        setInfo({ graphical: screen.graphical, resolution: screen.resolution, width: screen.width, height: screen.height });
      }
    };
    const schedule = () => {
      frame ||= requestAnimationFrame(draw);
    };
    const off = channel.onMessage((msg) => {
      if (screen.apply(msg)) schedule();
    });
    const blink = setInterval(() => screen.blink() && schedule(), BLINK_MS);
    channel.send({ t: 'refresh' });
    return () => {
      off();
      clearInterval(blink);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [channel, canvasRef]);
  return info;
}
