import { useEffect, useRef, useState } from 'react';
import type { SnapshotInfo } from '../../../main/api/snapshots.js';
import { Icon } from '../components/icons.js';
import { useClient } from '../state/client-context.js';
import { cachedThumbnail, fetchThumbnail } from './thumbnail-cache.js';

/**
 * The screen as it was when the snapshot was taken, in small: asked for only once the node is scrolled into
 * view, and once per snapshot. Without one (a machine that was off), a monitor icon.
 */
export function SnapshotThumbnail({ vmId, snapshot }: { vmId: string; snapshot: SnapshotInfo }) {
  const client = useClient();
  const box = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(false);
  const [fetched, setFetched] = useState<{ id: string; url: string | null } | null>(null);
  const cached = cachedThumbnail(vmId, snapshot.id);
  const url = cached !== undefined ? cached : fetched?.id === snapshot.id ? fetched.url : null;
  const wanted = snapshot.hasThumbnail && cached === undefined;

  useEffect(() => {
    const el = box.current;
    if (!wanted || seen || !el) return;
    if (typeof IntersectionObserver === 'undefined') {
      queueMicrotask(() => setSeen(true));
      return;
    }
    const watch = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setSeen(true);
    });
    watch.observe(el);
    return () => watch.disconnect();
  }, [wanted, seen]);

  useEffect(() => {
    if (!wanted || !seen) return;
    let current = true;
    fetchThumbnail(client, vmId, snapshot.id).then(
      (u) => current && setFetched({ id: snapshot.id, url: u }),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [client, vmId, snapshot.id, wanted, seen]);

  return (
    <div ref={box} className={`snap-thumb ${url ? '' : 'snap-thumb-icon'}`} aria-hidden="true">
      {url ? <img src={url} alt="" draggable={false} /> : <Icon name="vm" size={16} />}
    </div>
  );
}
