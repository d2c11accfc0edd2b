import { useEffect, useState } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { useClient } from '../state/client-context.js';
import { Icon } from './icons.js';

/**
 * The VM's screen in small while it runs (from the host's thumbnails), else a monitor icon. The previous
 * picture stays until the next one has loaded, so the list never flickers.
 */
export function Thumbnail({ vm, large }: { vm: VmSummary; large?: boolean }) {
  const client = useClient();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const live = vm.state === 'running' || vm.state === 'paused';
  useEffect(() => {
    if (!live || vm.thumbnailVersion <= 0) return;
    let current = true;
    client.thumbnailUrl(vm.id, vm.thumbnailVersion).then(
      (u) => {
        if (!current) return;
        setUrl(u);
        setFailed(false);
      },
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [client, vm.id, vm.thumbnailVersion, live]);

  const cls = `thumbnail ${large ? 'thumbnail-large' : ''} state-${vm.state}`;
  if (!live || !url || failed)
    return (
      <div className={`${cls} thumbnail-icon`} aria-hidden="true">
        <Icon name="vm" size={large ? 48 : 24} />
      </div>
    );
  return <img className={cls} src={url} alt="" draggable={false} onError={() => setFailed(true)} />;
}
