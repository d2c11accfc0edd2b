import { NETWORK_KIND_TEXT, type NetworkKind } from '../../../main/api/networks.js';
import { t } from '../i18n/index.js';

/** What a kind of network can and cannot do, in the words the CLI uses too. */
export function KindText({ kind }: { kind: NetworkKind }) {
  const text = NETWORK_KIND_TEXT[kind];
  return (
    <span className="kind-text">
      <span className="kind-can">
        <strong>{t('net.can')}</strong> {text.can}
      </span>
      <span className="kind-cannot">
        <strong>{t('net.cannot')}</strong> {text.cannot}
      </span>
    </span>
  );
}
