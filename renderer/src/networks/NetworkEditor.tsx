import type { NetworkInfo } from '../../../main/api/networks.js';
import { t } from '../i18n/index.js';
import { FieldError } from '../components/Field.js';
import { errorField, errorFor, fieldMessage } from '../state/errors.js';
import type { ClientError } from '../transport/index.js';
import type { NetworkDraft } from './draft.js';
import { ConnectionsTab } from './ConnectionsTab.js';
import { DhcpTab } from './DhcpTab.js';
import type { EditorProps } from './editor-props.js';
import { EditorTabs } from './EditorTabs.js';
import { FirewallTab } from './FirewallTab.js';
import { ForwardsTab } from './ForwardsTab.js';
import { GeneralTab } from './GeneralTab.js';
import { KindBadge } from './KindBadge.js';
import { tabOfField, type NetworkTab } from './tabs.js';

const TABS = {
  general: GeneralTab,
  dhcp: DhcpTab,
  firewall: FirewallTab,
  forwards: ForwardsTab,
} satisfies Record<Exclude<NetworkTab, 'adapters'>, (p: EditorProps) => unknown>;

interface NetworkEditorProps {
  info: NetworkInfo;
  draft: NetworkDraft;
  set: (patch: Partial<NetworkDraft>) => void;
  error: ClientError | null;
  tab: NetworkTab;
  onTab: (tab: NetworkTab) => void;
  onInfo: (info: NetworkInfo) => void;
}

/** The selected network: its name and kind, then its settings a tab at a time; a refusal shows beside its field. */
export function NetworkEditor({ info, draft, set, error, tab, onTab, onInfo }: NetworkEditorProps) {
  const field = errorField(error);
  const Tab = tab === 'adapters' ? null : TABS[tab];
  const props: EditorProps = { info, draft, set, errorFor: (f) => errorFor(error, f) };
  return (
    <section className="net-editor" aria-label={info.settings.name}>
      <div className="net-editor-head">
        <h3 className="net-editor-name">{info.settings.name}</h3>
        <KindBadge kind={info.settings.kind} />
        {info.capture && (
          <span className="capture-dot" title={t('net.capture.onTitle', { file: info.capture })}>
            <span className="sr-only">{t('net.capture.onTitle', { file: info.capture })}</span>
          </span>
        )}
      </div>
      {info.problem && (
        <div className="banner banner-warning net-problem" role="status">
          {info.problem}
        </div>
      )}
      {error && !field && <FieldError text={fieldMessage(error)} />}
      <EditorTabs tab={tab} onTab={onTab} errorTab={field ? tabOfField(field) : null} counts={{ firewall: draft.rules.length, forwards: draft.forwards.length, adapters: info.ports.length }} />
      <div className="net-panel" role="tabpanel" id="net-panel" aria-labelledby={`net-tab-${tab}`}>
        {Tab ? <Tab {...props} /> : <ConnectionsTab info={info} onInfo={onInfo} />}
      </div>
    </section>
  );
}
