import type { KasoClient } from '../transport/index.js';

/**
 * Snapshot thumbnails, fetched once per snapshot: a snapshot's picture never changes, so a picture is kept
 * for the life of the page (a failure or a missing picture is not, so the next look asks again).
 */
const pending = new Map<string, Promise<string | null>>();
const known = new Map<string, string>();

const keyOf = (vmId: string, snapshotId: string) => `${vmId}/${snapshotId}`;

/** The image address already fetched, undefined if not fetched yet. */
export function cachedThumbnail(vmId: string, snapshotId: string): string | undefined {
  return known.get(keyOf(vmId, snapshotId));
}

export function fetchThumbnail(client: KasoClient, vmId: string, snapshotId: string): Promise<string | null> {
  const key = keyOf(vmId, snapshotId);
  let p = pending.get(key);
  if (!p) {
    p = client.request('snapshot.thumbnail', { id: vmId, snapshotId }).then(
      ({ png }) => {
        if (!png) {
          // Not there (yet): the next look asks again.
          pending.delete(key);
          return null;
        }
        const url = `data:image/png;base64,${png}`;
        known.set(key, url);
        return url;
      },
      (e: unknown) => {
        pending.delete(key);
        throw e;
      },
    );
    pending.set(key, p);
  }
  return p;
}
