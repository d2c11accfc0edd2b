import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { ConsoleToVm } from '../../../main/api/console.js';
import { HOST_KEY, HOST_SHORTCUTS, type HostShortcut } from './host-keys.js';

interface CaptureOptions {
  canvasRef: RefObject<HTMLCanvasElement | null>;
  send: (msg: ConsoleToVm) => void;
  onShortcut: (s: HostShortcut) => void;
  /** Capture is possible (the screen is shown and the VM runs). */
  enabled: boolean;
}

/**
 * Keyboard and mouse capture, as in Virtual PC: a click on the screen captures both (the mouse with
 * Pointer Lock); Right Alt releases them and is never sent; Right Alt + a key is a host shortcut (whether
 * captured or not). Captured keys go to the guest by physical position (KeyboardEvent.code).
 */
export function useCapture({ canvasRef, send, onShortcut, enabled }: CaptureOptions) {
  const [captured, setCaptured] = useState(false);
  const state = useRef({ captured: false, hostDown: false, hostUsed: false, pressed: new Set<string>(), dx: 0, dy: 0, frame: 0 });
  const sendRef = useRef(send);
  const shortcutRef = useRef(onShortcut);
  useEffect(() => {
    sendRef.current = send;
    shortcutRef.current = onShortcut;
  });

  /** Lets go of every key and button the guest thinks is held, and of the mouse. */
  const letGo = useCallback(() => {
    const s = state.current;
    for (const code of s.pressed) sendRef.current({ t: 'key', code, down: false });
    s.pressed.clear();
    if (s.captured) sendRef.current({ t: 'mouse-buttons', left: false, middle: false, right: false });
    s.captured = false;
    if (document.pointerLockElement) document.exitPointerLock();
  }, []);
  const release = useCallback(() => {
    letGo();
    setCaptured(false);
  }, [letGo]);

  const capture = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas || state.current.captured) return;
    state.current.captured = true;
    setCaptured(true);
    canvas.focus();
    try {
      // Not every browser returns a promise; a refusal (a headless browser) still leaves the keyboard captured.
      const p = canvas.requestPointerLock() as unknown as Promise<void> | undefined;
      p?.catch?.(() => undefined);
    } catch {
      // no pointer lock here
    }
  }, [canvasRef]);

  // Capture ends when the screen is hidden or the guest stops running.
  if (!enabled && captured) setCaptured(false);
  useEffect(() => {
    if (!enabled) letGo();
  }, [enabled, letGo]);

  useEffect(() => {
    const s = state.current;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.code === HOST_KEY) {
        s.hostDown = true;
        s.hostUsed = false;
        e.preventDefault();
        return;
      }
      if (s.hostDown) {
        const shortcut = HOST_SHORTCUTS[e.code];
        if (shortcut) {
          s.hostUsed = true;
          e.preventDefault();
          if (!e.repeat) shortcutRef.current(shortcut);
        }
        return;
      }
      if (!s.captured || !e.code) return;
      e.preventDefault();
      e.stopPropagation();
      s.pressed.add(e.code);
      sendRef.current({ t: 'key', code: e.code, down: true });
    };
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.code === HOST_KEY) {
        s.hostDown = false;
        e.preventDefault();
        if (!s.hostUsed && s.captured) release();
        return;
      }
      if (!s.captured || !s.pressed.has(e.code)) return;
      e.preventDefault();
      e.stopPropagation();
      s.pressed.delete(e.code);
      sendRef.current({ t: 'key', code: e.code, down: false });
    };
    const onBlur = () => {
      s.hostDown = false;
      if (s.captured) release();
    };
    const onLockChange = () => {
      if (!document.pointerLockElement && s.captured && document.hasFocus()) release();
    };
    window.addEventListener('keydown', onKeyDown, true);
    window.addEventListener('keyup', onKeyUp, true);
    window.addEventListener('blur', onBlur);
    document.addEventListener('pointerlockchange', onLockChange);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('keyup', onKeyUp, true);
      window.removeEventListener('blur', onBlur);
      document.removeEventListener('pointerlockchange', onLockChange);
    };
  }, [release]);

  useMouse(canvasRef, state, sendRef, capture);
  return { captured, capture, release };
}

type CaptureState = { captured: boolean; dx: number; dy: number; frame: number };

/** Mouse to the guest while captured: relative moves (batched per frame), buttons and the wheel. */
function useMouse(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  state: RefObject<CaptureState>,
  sendRef: RefObject<(msg: ConsoleToVm) => void>,
  capture: () => void,
) {
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const s = state.current;
    const flush = () => {
      s.frame = 0;
      if (s.dx || s.dy) sendRef.current({ t: 'mouse-move', dx: s.dx, dy: s.dy });
      s.dx = s.dy = 0;
    };
    const buttons = (e: MouseEvent) => sendRef.current({ t: 'mouse-buttons', left: (e.buttons & 1) !== 0, right: (e.buttons & 2) !== 0, middle: (e.buttons & 4) !== 0 });
    const onDown = (e: MouseEvent) => {
      e.preventDefault();
      if (!s.captured) return capture(); // the click that captures is not the guest's
      buttons(e);
    };
    const onUp = (e: MouseEvent) => s.captured && buttons(e);
    const onMove = (e: MouseEvent) => {
      if (!s.captured) return;
      s.dx += e.movementX;
      s.dy += e.movementY;
      s.frame ||= requestAnimationFrame(flush);
    };
    const onWheel = (e: WheelEvent) => {
      if (!s.captured) return;
      e.preventDefault();
      if (e.deltaY) sendRef.current({ t: 'wheel', dy: Math.sign(e.deltaY) });
    };
    const onMenu = (e: Event) => s.captured && e.preventDefault();
    canvas.addEventListener('mousedown', onDown);
    window.addEventListener('mouseup', onUp);
    canvas.addEventListener('mousemove', onMove);
    canvas.addEventListener('wheel', onWheel, { passive: false });
    canvas.addEventListener('contextmenu', onMenu);
    return () => {
      canvas.removeEventListener('mousedown', onDown);
      window.removeEventListener('mouseup', onUp);
      canvas.removeEventListener('mousemove', onMove);
      canvas.removeEventListener('wheel', onWheel);
      canvas.removeEventListener('contextmenu', onMenu);
      if (s.frame) cancelAnimationFrame(s.frame);
    };
  }, [canvasRef, state, sendRef, capture]);
}
