import type { MouseEvent } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { CpuMeter } from './CpuMeter.js';
import { StateBadge } from './StateBadge.js';
import { Thumbnail } from './Thumbnail.js';

interface VmListItemProps {
  vm: VmSummary;
  selected: boolean;
  onClick: () => void;
  onDoubleClick: () => void;
  onContextMenu: (e: MouseEvent) => void;
}

/** One machine in the list: its screen in small, its name, its state and CPU use. Named by the VM's name. */
export function VmListItem({ vm, selected, onClick, onDoubleClick, onContextMenu }: VmListItemProps) {
  const stateId = `vm-${vm.id}-state`;
  return (
    <li
      id={`vm-${vm.id}`}
      role="option"
      aria-selected={selected}
      aria-label={vm.name}
      aria-describedby={stateId}
      className={`vm-item ${selected ? 'selected' : ''}`}
      onClick={onClick}
      onDoubleClick={onDoubleClick}
      onContextMenu={onContextMenu}
    >
      <Thumbnail vm={vm} />
      <div className="vm-item-text">
        <div className="vm-item-name">{vm.name}</div>
        <div className="vm-item-status">
          <StateBadge state={vm.state} id={stateId} />
          {vm.state === 'running' && vm.cpuPercent !== null && <CpuMeter percent={vm.cpuPercent} perProcessor={vm.vcpuPercent} />}
        </div>
      </div>
    </li>
  );
}
