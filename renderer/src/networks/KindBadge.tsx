import type { NetworkKind } from '../../../main/api/networks.js';
import { t, type MessageKey } from '../i18n/index.js';

/** The kind of a network in one short word, coloured by what it lets through. */
export function KindBadge({ kind }: { kind: NetworkKind }) {
  return <span className={`kind-badge kind-${kind}`}>{t(`net.kind.${kind}` as MessageKey)}</span>;
}
