import { describe, expect, it } from 'vitest';
import { initialUndoState, reduceUndo, type UndoEvent, type UndoState } from './undo-state.js';

const vm = { id: 'a', name: 'demo' };
const run = (...events: UndoEvent[]): UndoState => events.reduce(reduceUndo, initialUndoState);

describe('undo disks state', () => {
  it('keeps the answer until the VM runs again', () => {
    const kept = run({ kind: 'prompt', vm }, { kind: 'kept', id: 'a' });
    expect(kept.prompt).toBeNull();
    expect(kept.answered.a).toBe(true);
    expect(reduceUndo(kept, { kind: 'ran', id: 'a' }).answered.a).toBeUndefined();
  });

  it('leaves the state alone when a running VM without answers changes', () => {
    const s = run({ kind: 'kept', id: 'b' });
    expect(reduceUndo(s, { kind: 'ran', id: 'a' })).toBe(s);
  });

  it('shows a commit working, then its failure, and closes the prompt when it is done', () => {
    const working = run({ kind: 'prompt', vm }, { kind: 'working', id: 'a', action: 'commit' });
    expect(working.jobs.a).toEqual({ working: 'commit', error: null });
    const failed = reduceUndo(working, { kind: 'failed', id: 'a', message: 'Disk full' });
    expect(failed.jobs.a).toEqual({ working: null, error: 'Disk full' });
    expect(failed.prompt).toEqual(vm);
    const done = reduceUndo(reduceUndo(failed, { kind: 'working', id: 'a', action: 'commit' }), { kind: 'done', id: 'a' });
    expect(done.prompt).toBeNull();
    expect(done.jobs.a).toBeUndefined();
    expect(done.answered.a).toBe(true);
    expect(done.revision).toBe(1);
  });
});
