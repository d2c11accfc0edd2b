import type { NetworkInfo } from '../../../main/api/networks.js';
import type { NetworkDraft } from './draft.js';

/** What each tab of the network editor is given. */
export interface EditorProps {
  info: NetworkInfo;
  draft: NetworkDraft;
  set: (patch: Partial<NetworkDraft>) => void;
  /** The error for a field (or a part of it), in words, or null. */
  errorFor: (field: string) => string | null;
}
