import type { KeyboardEvent } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { t } from '../i18n/index.js';
import { ACTION_LABELS, type VmAction } from '../state/actions.js';
import { Icon, type IconName } from './icons.js';

const GROUPS: VmAction[][] = [['settings', 'clone'], ['start', 'turnOff', 'shutdown', 'save', 'pause', 'resume', 'reset'], ['delete']];

interface ToolbarProps {
  vm: VmSummary | undefined;
  enabled: (vm: VmSummary | undefined, action: VmAction) => boolean;
  onNew: () => void;
  onImport: () => void;
  /** The Virtual Networks manager. */
  onNetworks: () => void;
  onAction: (action: VmAction) => void;
}

/** Arrow keys move along a toolbar's buttons (each is also a tab stop). */
export function moveInToolbar(e: KeyboardEvent<HTMLElement>): void {
  if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
  const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')];
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const next = buttons[(at + (e.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length];
  next?.focus();
  e.preventDefault();
}

/** The main window's toolbar: New and Import…, then what can be done to the selected VM, then Virtual Networks. */
export function Toolbar({ vm, enabled, onNew, onImport, onNetworks, onAction }: ToolbarProps) {
  return (
    <div className="toolbar" role="toolbar" aria-label={t('toolbar.label')} onKeyDown={moveInToolbar}>
      <div className="toolbar-group">
        <ToolButton icon="new" label={t('action.new')} onClick={onNew} />
        <ToolButton icon="import" label={t('action.import')} onClick={onImport} />
      </div>
      {GROUPS.map((group, i) => (
        <div className="toolbar-group" key={i}>
          {group.map((action) => (
            <ToolButton key={action} icon={action as IconName} label={t(ACTION_LABELS[action])} disabled={!enabled(vm, action)} onClick={() => onAction(action)} />
          ))}
        </div>
      ))}
      <div className="toolbar-group">
        <ToolButton icon="network" label={t('action.networks')} onClick={onNetworks} />
      </div>
    </div>
  );
}

export function ToolButton({ icon, label, onClick, disabled, pressed }: { icon: IconName; label: string; onClick: () => void; disabled?: boolean; pressed?: boolean }) {
  return (
    <button type="button" className="tool-button" disabled={disabled} onClick={onClick} title={label} aria-pressed={pressed}>
      <Icon name={icon} />
      <span className="tool-label">{label}</span>
    </button>
  );
}
