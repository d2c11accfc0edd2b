import { describe, expect, it } from 'vitest';
import type { SnapshotInfo } from '../../../main/api/snapshots.js';
import { NOW_ID, buildTree, flattenTree, moveInTree, type TreeNode } from './buildTree.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function snap(n: number, parent: number | null, minute = n): SnapshotInfo {
  return {
    id: ID(n),
    name: `S${n}`,
    description: '',
    created: new Date(Date.UTC(2026, 10, 28, 14, minute)).toISOString(),
    parentId: parent === null ? null : ID(parent),
    hasState: false,
    hasThumbnail: false,
    disks: [],
  };
}

/** The tree as text: "S1(S2(Now))". */
function shape(nodes: readonly TreeNode[]): string {
  return nodes.map((n) => (n.kind === 'now' ? 'Now' : n.snapshot.name) + (n.children.length ? `(${shape(n.children)})` : '')).join(' ');
}

describe('buildTree', () => {
  it('is only Now before the first snapshot', () => {
    expect(shape(buildTree([], null))).toBe('Now');
  });

  it('puts Now under the current snapshot, after its other children', () => {
    const list = [snap(1, null), snap(2, 1), snap(3, 2)];
    expect(shape(buildTree(list, ID(3)))).toBe('S1(S2(S3(Now)))');
    expect(shape(buildTree(list, ID(1)))).toBe('S1(S2(S3) Now)');
  });

  it('shows branches: two children of one snapshot, oldest first', () => {
    const list = [snap(1, null), snap(3, 1), snap(2, 1), snap(4, 2)];
    expect(shape(buildTree(list, ID(4)))).toBe('S1(S2(S4(Now)) S3)');
  });

  it('keeps Now at the top level when there is no current snapshot', () => {
    expect(shape(buildTree([snap(1, null), snap(2, 1)], null))).toBe('S1(S2) Now');
    expect(shape(buildTree([snap(1, null)], ID(99)))).toBe('S1 Now');
  });

  it('shows a snapshot whose parent is missing at the top level, and survives a loop', () => {
    expect(shape(buildTree([snap(1, null), snap(2, 7)], ID(1)))).toBe('S1(Now) S2');
    const loop = [snap(1, 2), snap(2, 1), snap(3, 3)];
    expect(shape(buildTree(loop, ID(2)))).toBe('S3 S1(S2(Now))');
  });

  it('orders by the time taken, not by the order received', () => {
    expect(shape(buildTree([snap(2, null, 30), snap(1, null, 10)], null))).toBe('S1 S2 Now');
  });
});

describe('flattenTree and moveInTree', () => {
  const roots = buildTree([snap(1, null), snap(2, 1), snap(3, 1), snap(4, 2)], ID(4));
  const flat = flattenTree(roots);

  it('lists each node after its parent, with its level and place among its siblings', () => {
    expect(flat.map((f) => [f.node.id === NOW_ID ? 'Now' : f.node.id.slice(-1), f.level, f.position, f.setSize])).toEqual([
      ['1', 1, 1, 1],
      ['2', 2, 1, 2],
      ['4', 3, 1, 1],
      ['Now', 4, 1, 1],
      ['3', 2, 2, 2],
    ]);
    expect(flat[3]!.parentId).toBe(ID(4));
  });

  it('says which ancestor lines pass through each row', () => {
    // S1 ├ S2 ─ S4 ─ Now, └ S3: the line from S1 down to S3 passes beside S4 and Now.
    expect(flat.map((f) => f.through)).toEqual([[], [], [true], [true, false], []]);
  });

  it('moves as a tree view does: up and down in order, left to the parent, right to the first child', () => {
    expect(moveInTree(flat, ID(1), 'ArrowDown')).toBe(ID(2));
    expect(moveInTree(flat, NOW_ID, 'ArrowDown')).toBe(ID(3));
    expect(moveInTree(flat, ID(3), 'ArrowDown')).toBeNull();
    expect(moveInTree(flat, ID(3), 'ArrowUp')).toBe(NOW_ID);
    expect(moveInTree(flat, NOW_ID, 'ArrowLeft')).toBe(ID(4));
    expect(moveInTree(flat, ID(1), 'ArrowLeft')).toBeNull();
    expect(moveInTree(flat, ID(1), 'ArrowRight')).toBe(ID(2));
    expect(moveInTree(flat, ID(3), 'ArrowRight')).toBeNull();
    expect(moveInTree(flat, ID(2), 'Home')).toBe(ID(1));
    expect(moveInTree(flat, ID(2), 'End')).toBe(ID(3));
    expect(moveInTree(flat, 'gone', 'ArrowDown')).toBe(ID(1));
  });
});
