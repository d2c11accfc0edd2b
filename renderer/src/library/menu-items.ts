import type { VmSummary } from '../../../main/api/vm-state.js';
import type { MenuItem } from '../components/ContextMenu.js';
import { t } from '../i18n/index.js';
import { ACTION_LABELS, isLive, type VmAction } from '../state/actions.js';

const ORDER: VmAction[] = ['start', 'turnOff', 'shutdown', 'save', 'pause', 'resume', 'reset', 'ctrlAltDel', 'settings', 'clone', 'export', 'delete'];
const SEPARATED = new Set<VmAction>(['start', 'settings', 'clone', 'delete']);

/** The VM list's context menu: Connect, then the toolbar's actions, each enabled as on the toolbar; Virtual Networks last. */
export function useMenuItems(
  enabled: (vm: VmSummary, action: VmAction) => boolean,
  act: (action: VmAction, vm: VmSummary) => void,
  connect: (vm: VmSummary) => void,
  openNetworks: () => void,
): (vm: VmSummary) => MenuItem[] {
  return (vm) => [
    { label: t('action.connect'), disabled: !isLive(vm.state), onSelect: () => connect(vm) },
    ...ORDER.map((action) => ({
      label: t(ACTION_LABELS[action]),
      disabled: !enabled(vm, action),
      separated: SEPARATED.has(action),
      onSelect: () => act(action, vm),
    })),
    { label: t('action.networksMenu'), separated: true, onSelect: openNetworks },
  ];
}
