import { useCallback, useState } from 'react';
import type { NetworkInfo, NetworkSettings } from '../../../main/api/networks.js';
import { t } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import { errorField } from '../state/errors.js';
import { toClientError, type ClientError } from '../transport/index.js';
import { fromDraft, networkPatch, sameDraft, toDraft, type DraftProblem, type NetworkDraft } from './draft.js';

/** A network being edited: the settings the edit started from, and the draft. */
export interface Edit {
  base: NetworkSettings;
  draft: NetworkDraft;
}

function problemError(p: DraftProblem): ClientError {
  return { code: 'INVALID_INPUT', field: p.field, message: p.key ? t(p.key) : `${p.field}: ${p.message ?? ''}` };
}

/**
 * Unapplied edits, one per network, so switching networks loses nothing. Apply sends only the settings
 * the person changed (against what the edit started from), so a change made meanwhile elsewhere (the CLI,
 * another window) to other settings is kept. An edit that comes back to where it started is dropped, and
 * the network shows the host's settings (and their live changes) again.
 */
export function useNetworkEdits(put: (info: NetworkInfo) => void, onFieldError: (field: string) => void) {
  const client = useClient();
  const [edits, setEdits] = useState<Record<string, Edit>>({});
  const [errors, setErrors] = useState<Record<string, ClientError>>({});
  const [working, setWorking] = useState<string | null>(null);

  const forget = useCallback((name: string) => {
    setEdits(({ [name]: _gone, ...rest }) => rest);
    setErrors(({ [name]: _gone, ...rest }) => rest);
  }, []);

  const fail = useCallback(
    (name: string, err: ClientError) => {
      setErrors((e) => ({ ...e, [name]: err }));
      const field = errorField(err);
      if (field) onFieldError(field);
    },
    [onFieldError],
  );

  const draftOf = (info: NetworkInfo): NetworkDraft => edits[info.settings.name]?.draft ?? toDraft(info.settings);

  const set = (info: NetworkInfo, patch: Partial<NetworkDraft>) => {
    const name = info.settings.name;
    setErrors(({ [name]: _gone, ...rest }) => rest);
    setEdits((all) => {
      const base = all[name]?.base ?? info.settings;
      const draft = { ...(all[name]?.draft ?? toDraft(info.settings)), ...patch };
      if (sameDraft(draft, toDraft(base))) {
        const { [name]: _same, ...rest } = all;
        return rest;
      }
      return { ...all, [name]: { base, draft } };
    });
  };

  /** Sends an edit (the one given, for a network just created, or the one kept for `name`). */
  const apply = async (name: string, edit: Edit | undefined = edits[name]) => {
    if (!edit) return;
    // A refused edit stays (a network just created has none kept yet), so the person can correct it.
    const refused = (err: ClientError) => {
      setEdits((all) => ({ ...all, [name]: all[name] ?? edit }));
      fail(name, err);
    };
    const checked = fromDraft(edit.draft);
    if ('problem' in checked) return refused(problemError(checked.problem));
    const patch = networkPatch(edit.base, checked.settings);
    if (Object.keys(patch).length === 0) return forget(name);
    setWorking(name);
    try {
      put(await client.request('net.update', { name, settings: patch }));
      forget(name);
    } catch (e) {
      refused(toClientError(e));
    } finally {
      setWorking(null);
    }
  };

  return {
    draftOf,
    set,
    apply,
    discard: forget,
    fail,
    errorOf: (name: string) => errors[name] ?? null,
    modified: (name: string) => !!edits[name],
    modifiedNames: Object.keys(edits),
    working,
  };
}
