import { useCallback, useState } from 'react';
import type { RequestResults } from '../../../main/api/requests.js';
import { t } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import { sentence } from '../state/errors.js';
import { toClientError } from '../transport/index.js';
import type { PickKind } from './filters.js';
import { basename, dirname, separatorOf } from './paths.js';

export type Listing = RequestResults['files.list'];

/** The last folder a file was chosen from, so the chooser opens there next time. */
let lastFolder: string | undefined;

/** A folder on the host as listed by files.list, and the moves a file chooser makes in it. */
export function useFolder() {
  const client = useClient();
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const open = useCallback(
    async (path?: string): Promise<boolean> => {
      setLoading(true);
      try {
        const l = await client.request('files.list', path ? { path } : {});
        setListing(l);
        setError(null);
        lastFolder = l.path;
        return true;
      } catch (e) {
        setError(sentence(toClientError(e).message.replace(/^path: /, '')));
        return false;
      } finally {
        setLoading(false);
      }
    },
    [client],
  );

  /**
   * Where to start: the current value when it is a folder (and folders can be chosen), else its folder,
   * else the last folder used, else the home folder.
   */
  const start = useCallback(
    async (current?: string, pick: PickKind = 'file') => {
      if (current && pick !== 'file' && (await open(current))) return;
      if (current && (await open(dirname(current)))) return;
      if (!(await open(lastFolder))) await open();
    },
    [open],
  );

  /**
   * A typed path: a folder is opened; a file in an existing folder is the answer (returned) when files can
   * be chosen; when only folders can, so is a new name in an existing folder (made by whoever uses it, as
   * an export does); anything else is an error shown in the chooser.
   */
  const resolveTyped = useCallback(
    async (typed: string, pick: PickKind = 'file'): Promise<string | null> => {
      try {
        const l = await client.request('files.list', { path: typed });
        setListing(l);
        setError(null);
        lastFolder = l.path;
        return null;
      } catch {
        // not a folder: a file, perhaps
      }
      try {
        const parent = await client.request('files.list', { path: dirname(typed) });
        const name = basename(typed);
        const entry = parent.entries.find((e) => e.name === name);
        if (entry?.kind === 'file' && pick !== 'folder') {
          lastFolder = parent.path;
          return entry.path;
        }
        if (entry?.kind === 'file') {
          setError(t('files.isFile', { path: entry.path }));
          return null;
        }
        if (!entry && name && pick === 'folder') {
          const sep = separatorOf(parent.path);
          return parent.path.endsWith(sep) ? parent.path + name : parent.path + sep + name;
        }
      } catch {
        // the folder is not there either
      }
      setError(sentence(`${typed} was not found`));
      return null;
    },
    [client],
  );

  return { listing, error, loading, open, start, resolveTyped };
}
