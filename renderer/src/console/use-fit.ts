import { useEffect, useState, type RefObject } from 'react';

/**
 * The CSS size that shows a `width`×`height` picture as large as fits in the element, aspect kept; or the
 * picture's own size at 1:1.
 */
export function useFit(areaRef: RefObject<HTMLElement | null>, width: number, height: number, fit: boolean): { width: number; height: number } {
  const [box, setBox] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = areaRef.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      const r = entry!.contentRect;
      setBox({ width: Math.floor(r.width), height: Math.floor(r.height) });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [areaRef]);
  if (!fit || !box.width || !box.height || !width || !height) return { width, height };
  const scale = Math.min(box.width / width, box.height / height);
  return { width: Math.floor(width * scale), height: Math.floor(height * scale) };
}
