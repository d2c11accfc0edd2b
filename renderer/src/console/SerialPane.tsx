import { useState } from 'react';
import type { VmDetails } from '../../../main/api/requests.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { t } from '../i18n/index.js';
import { isLive } from '../state/actions.js';
import type { ConsoleChannel } from '../transport/index.js';
import { SerialTerminal } from './SerialTerminal.js';

interface SerialPaneProps {
  vm: VmSummary;
  details: VmDetails | null;
  channel: ConsoleChannel | null;
  hidden: boolean;
}

/** The guest's COM ports as terminals (the connected ones: COM1, COM2), one shown at a time. */
export function SerialPane({ vm, details, channel, hidden }: SerialPaneProps) {
  const ports = ([1, 2] as const).filter((p) => details && details.settings.com[p - 1]!.mode !== 'none');
  const [chosen, setChosen] = useState<1 | 2 | null>(null);
  const port = chosen && ports.includes(chosen) ? chosen : ports[0];
  let body;
  if (!details) body = <p className="muted pad">{t('common.loading')}</p>;
  else if (ports.length === 0) body = <p className="muted pad">{t('serial.none')}</p>;
  else if (!channel || !isLive(vm.state)) body = <p className="muted pad">{t('serial.notRunning', { name: vm.name })}</p>;
  else
    body = ports.map((p) => <SerialTerminal key={p} vmId={vm.id} port={p} channel={channel} active={!hidden && p === port} />);
  return (
    <div className="serial-pane" hidden={hidden}>
      {ports.length > 1 && (
        <div className="serial-ports" role="tablist" aria-label={t('serial.ports')}>
          {ports.map((p) => (
            <button key={p} type="button" role="tab" aria-selected={p === port} className="sub-tab" onClick={() => setChosen(p)}>
              COM{p}
              {vm.comEndpoints[p - 1] && <span className="muted small"> · {vm.comEndpoints[p - 1]}</span>}
            </button>
          ))}
        </div>
      )}
      {ports.length === 1 && port && vm.comEndpoints[port - 1] && (
        <div className="serial-ports muted small">
          COM{port} · {vm.comEndpoints[port - 1]}
        </div>
      )}
      {body}
    </div>
  );
}
