import type { SnapshotInfo } from '../../../main/api/snapshots.js';

/**
 * Pure: a VM's snapshots (each naming its parent) and its current position, as a tree to draw, with the
 * "Now" node (the VM's present state) placed under the snapshot it grows from. No React, no DOM: the tree
 * view draws what this returns, and the keyboard moves along `flattenTree`'s order.
 */

/** The Now node's id: not a UUID, so it can never be a snapshot's. */
export const NOW_ID = 'now';

export type TreeNode =
  | { kind: 'snapshot'; id: string; snapshot: SnapshotInfo; children: TreeNode[] }
  | { kind: 'now'; id: typeof NOW_ID; children: TreeNode[] };

/**
 * Each snapshot under its parent, children oldest first; Now last among the children of `current` (at the
 * top level when `current` is null or unknown). A snapshot whose parent is missing is shown at the top level
 * rather than lost, and a loop in the parent links (never sent by a sound host) is broken where it closes.
 */
export function buildTree(snapshots: readonly SnapshotInfo[], current: string | null): TreeNode[] {
  const order = new Map(snapshots.map((s, i) => [s.id, i]));
  const sorted = [...snapshots].sort((a, b) => compareTimes(a.created, b.created) || order.get(a.id)! - order.get(b.id)!);
  const byId = new Map(sorted.map((s) => [s.id, s]));
  const children = new Map<string | null, SnapshotInfo[]>();
  for (const s of sorted) {
    const parent = s.parentId !== null && byId.has(s.parentId) && s.parentId !== s.id ? s.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }

  const placed = new Set<string>();
  const nowUnder = current !== null && byId.has(current) ? current : null;
  const now = (): TreeNode => ({ kind: 'now', id: NOW_ID, children: [] });
  const build = (parent: string | null): TreeNode[] => {
    const nodes: TreeNode[] = [];
    for (const s of children.get(parent) ?? []) {
      if (placed.has(s.id)) continue;
      placed.add(s.id);
      nodes.push({ kind: 'snapshot', id: s.id, snapshot: s, children: build(s.id) });
    }
    if (parent === nowUnder) nodes.push(now());
    return nodes;
  };
  const roots = build(null);
  // Snapshots only reachable through a loop: shown at the top level, each once.
  for (const s of sorted) {
    if (placed.has(s.id)) continue;
    placed.add(s.id);
    const node: TreeNode = { kind: 'snapshot', id: s.id, snapshot: s, children: build(s.id) };
    roots.splice(roots.length - (nowUnder === null ? 1 : 0), 0, node);
  }
  return roots;
}

/** Times as the host writes them (ISO); one that does not parse sorts as the oldest. */
function compareTimes(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return (Number.isNaN(ta) ? -Infinity : ta) - (Number.isNaN(tb) ? -Infinity : tb) || 0;
}

/** A node as the tree view lists it: one row, with where it is (for ARIA and the keyboard) and the lines to draw left of it. */
export interface FlatNode {
  node: TreeNode;
  /** 1 at the top. */
  level: number;
  parentId: string | null;
  /** 1-based position among its siblings, and how many siblings there are (aria-posinset, aria-setsize). */
  position: number;
  setSize: number;
  /**
   * One entry per column left of the row's connector (level - 2 of them): true where an ancestor's line
   * passes down through this row because that ancestor has siblings still to come.
   */
  through: boolean[];
}

/** Every node in display order (a parent, then its subtree), as the arrow keys walk it and the view draws it. */
export function flattenTree(roots: readonly TreeNode[]): FlatNode[] {
  const out: FlatNode[] = [];
  const walk = (nodes: readonly TreeNode[], level: number, parentId: string | null, through: boolean[]) => {
    nodes.forEach((node, i) => {
      out.push({ node, level, parentId, position: i + 1, setSize: nodes.length, through });
      // Below a top-level node there is no connector column; below any other, its own line goes on while it has siblings after it.
      walk(node.children, level + 1, node.id, level === 1 ? [] : [...through, i < nodes.length - 1]);
    });
  };
  walk(roots, 1, null, []);
  return out;
}

/** Where an arrow key (or Home, End) leads from `id`: the id to select, or null to stay. */
export function moveInTree(flat: readonly FlatNode[], id: string, key: string): string | null {
  const at = flat.findIndex((f) => f.node.id === id);
  if (at < 0) return flat[0]?.node.id ?? null;
  const here = flat[at]!;
  switch (key) {
    case 'ArrowDown':
      return flat[at + 1]?.node.id ?? null;
    case 'ArrowUp':
      return flat[at - 1]?.node.id ?? null;
    case 'Home':
      return flat[0]?.node.id ?? null;
    case 'End':
      return flat[flat.length - 1]?.node.id ?? null;
    case 'ArrowLeft':
      return here.parentId;
    case 'ArrowRight':
      return here.node.children[0]?.id ?? null;
    default:
      return null;
  }
}
