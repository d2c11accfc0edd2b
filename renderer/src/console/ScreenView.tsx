import type { RefObject } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { t } from '../i18n/index.js';
import type { ScreenInfo } from './use-screen-renderer.js';
import { useFit } from './use-fit.js';
import { ScreenOverlay } from './ScreenOverlay.js';

interface ScreenViewProps {
  vm: VmSummary;
  canvasRef: RefObject<HTMLCanvasElement | null>;
  areaRef: RefObject<HTMLDivElement | null>;
  info: ScreenInfo | null;
  fit: boolean;
  captured: boolean;
  onCapture: () => void;
  onStart: () => void;
  onResume: () => void;
  hidden: boolean;
}

/** The guest's screen: a canvas at the guest's resolution, scaled to fit (crisp) or shown 1:1. */
export function ScreenView({ vm, canvasRef, areaRef, info, fit, captured, onCapture, onStart, onResume, hidden }: ScreenViewProps) {
  const size = useFit(areaRef, info?.width ?? 720, info?.height ?? 400, fit);
  return (
    <div ref={areaRef} className={`screen-area ${fit ? 'fit' : 'actual'}`} hidden={hidden}>
      <div className="screen-frame" style={{ width: size.width, height: size.height }}>
        <canvas
          ref={canvasRef}
          className={`screen ${captured ? 'captured' : ''}`}
          role="img"
          aria-label={t('console.screenLabel', { name: vm.name })}
          tabIndex={0}
          width={720}
          height={400}
          style={{ width: size.width, height: size.height }}
          onKeyDown={(e) => {
            if (!captured && (e.key === 'Enter' || e.key === ' ') && !e.altKey) {
              e.preventDefault();
              onCapture();
            }
          }}
        />
        <ScreenOverlay vm={vm} onStart={onStart} onResume={onResume} />
      </div>
    </div>
  );
}
