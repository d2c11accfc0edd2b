import type { SnapshotInfo, SnapshotRecord, Snapshots, SnapshotTree } from '../../api/snapshots.js';

export const NO_SNAPSHOTS: Snapshots = { current: null, items: [], owned: [] };

/** The nearest ancestor a person can see (hidden nodes are skipped), or null. */
export function visibleParent(items: SnapshotRecord[], parentId: string | null): string | null {
  for (let id = parentId; id; ) {
    const node = items.find((s) => s.id === id);
    if (!node) return null;
    if (!node.hidden) return node.id;
    id = node.parentId;
  }
  return null;
}

export function toInfo(items: SnapshotRecord[], s: SnapshotRecord): SnapshotInfo {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    created: s.created,
    parentId: visibleParent(items, s.parentId),
    hasState: s.stateFile !== null,
    hasThumbnail: s.thumbnailFile !== null,
    disks: s.disks,
  };
}

export function treeOf(vmId: string, snapshots: Snapshots, job: SnapshotTree['job']): SnapshotTree {
  const { items } = snapshots;
  return {
    vmId,
    snapshots: items.filter((s) => !s.hidden).map((s) => toInfo(items, s)),
    current: visibleParent(items, snapshots.current),
    job,
  };
}

export function findSnapshot(snapshots: Snapshots, id: string): SnapshotRecord | undefined {
  return snapshots.items.find((s) => s.id === id && !s.hidden);
}

/** A default name from the time, as Hyper-V does ("Snapshot 2026-11-28 14:03:05"). */
export function defaultName(when: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `Snapshot ${when.getFullYear()}-${p(when.getMonth() + 1)}-${p(when.getDate())} ${p(when.getHours())}:${p(when.getMinutes())}:${p(when.getSeconds())}`;
}
