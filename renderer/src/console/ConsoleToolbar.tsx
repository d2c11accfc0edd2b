import type { VmSummary } from '../../../main/api/vm-state.js';
import { moveInToolbar, ToolButton } from '../components/Toolbar.js';
import { t } from '../i18n/index.js';
import type { PowerAction } from '../state/actions.js';

interface ConsoleToolbarProps {
  vm: VmSummary;
  enabled: (vm: VmSummary, action: PowerAction) => boolean;
  onAction: (action: PowerAction) => void;
  onScreenshot: () => void;
  canScreenshot: boolean;
  fit: boolean;
  onFit: (fit: boolean) => void;
  onFullScreen: () => void;
}

/** The console's Action menu as a toolbar, then the view controls. */
export function ConsoleToolbar({ vm, enabled, onAction, onScreenshot, canScreenshot, fit, onFit, onFullScreen }: ConsoleToolbarProps) {
  const paused = vm.state === 'paused';
  return (
    <div className="toolbar console-toolbar" role="toolbar" aria-label={t('console.toolbar')} onKeyDown={moveInToolbar}>
      <div className="toolbar-group">
        <ToolButton icon="ctrlAltDel" label={t('action.ctrlAltDel')} disabled={!enabled(vm, 'ctrlAltDel')} onClick={() => onAction('ctrlAltDel')} />
        {paused ? (
          <ToolButton icon="resume" label={t('action.resume')} disabled={!enabled(vm, 'resume')} onClick={() => onAction('resume')} />
        ) : (
          <ToolButton icon="pause" label={t('action.pause')} disabled={!enabled(vm, 'pause')} onClick={() => onAction('pause')} />
        )}
        <ToolButton icon="reset" label={t('action.reset')} disabled={!enabled(vm, 'reset')} onClick={() => onAction('reset')} />
        <ToolButton icon="save" label={t('action.save')} disabled={!enabled(vm, 'save')} onClick={() => onAction('save')} />
        <ToolButton icon="turnOff" label={t('action.turnOff')} disabled={!enabled(vm, 'turnOff')} onClick={() => onAction('turnOff')} />
        <ToolButton icon="shutdown" label={t('action.shutdown')} disabled={!enabled(vm, 'shutdown')} onClick={() => onAction('shutdown')} />
      </div>
      <div className="toolbar-group">
        <ToolButton icon="screenshot" label={t('console.screenshot')} disabled={!canScreenshot} onClick={onScreenshot} />
        <ToolButton icon={fit ? 'actual' : 'fit'} label={fit ? t('console.actualSize') : t('console.fit')} onClick={() => onFit(!fit)} />
        <ToolButton icon="fullscreen" label={t('console.fullScreen')} onClick={onFullScreen} />
      </div>
    </div>
  );
}
