import { describe, expect, it } from 'vitest';
import { cloneBlocks, defaultCloneMode, suggestCloneName } from './clone-options.js';
import { exportTarget } from './export-target.js';

describe('clone options', () => {
  it('offers both kinds of clone to a VM at rest, and a full one first', () => {
    for (const state of ['off', 'saved', 'crashed'] as const) {
      const blocks = cloneBlocks(state, true);
      expect(blocks).toEqual({ linked: null, full: null });
      expect(defaultCloneMode(blocks)).toBe('full');
    }
  });

  it('offers only a linked clone of a running or paused VM', () => {
    for (const state of ['running', 'paused'] as const) {
      const blocks = cloneBlocks(state, true);
      expect(blocks).toEqual({ linked: null, full: 'state' });
      expect(defaultCloneMode(blocks)).toBe('linked');
    }
  });

  it('offers neither while the VM is between states', () => {
    for (const state of ['starting', 'saving', 'stopping'] as const) expect(cloneBlocks(state, true)).toEqual({ linked: 'state', full: 'state' });
  });

  it('offers no linked clone of a VM without a hard disk, and one while its disks are not known yet', () => {
    expect(cloneBlocks('off', false)).toEqual({ linked: 'noDisk', full: null });
    expect(cloneBlocks('running', false)).toEqual({ linked: 'noDisk', full: 'state' });
    expect(cloneBlocks('off', null)).toEqual({ linked: null, full: null });
  });

  it('suggests a name the library does not have, ignoring case as the host does', () => {
    const format = (name: string, n: number) => (n === 1 ? `${name} Clone` : `${name} Clone ${n}`);
    expect(suggestCloneName('a1', ['a1'], format)).toBe('a1 Clone');
    expect(suggestCloneName('a1', ['a1', 'A1 clone', 'a1 Clone 2'], format)).toBe('a1 Clone 3');
  });
});

describe('export target', () => {
  it('is the VM folder’s name inside the chosen folder, in the host’s separators', () => {
    expect(exportTarget('/tmp/out', '/home/me/Kaso/a1')).toBe('/tmp/out/a1');
    expect(exportTarget('/tmp/out/', '/home/me/Kaso/a1')).toBe('/tmp/out/a1');
    expect(exportTarget('/', '/home/me/Kaso/a1')).toBe('/a1');
    expect(exportTarget('D:\\Exports', 'C:\\Users\\me\\Kaso\\Win 98')).toBe('D:\\Exports\\Win 98');
    expect(exportTarget('  ', '/home/me/Kaso/a1')).toBeNull();
  });
});
