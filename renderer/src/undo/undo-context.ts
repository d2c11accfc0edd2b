import { createContext, useContext } from 'react';
import type { UndoAction, UndoJob, UndoVm } from './undo-state.js';

export interface Undo {
  /** The person has answered this VM's pending changes (until it runs again): no notice for them. */
  answered(id: string): boolean;
  /** A commit or discard on its way, or its failure. */
  job(id: string): UndoJob | undefined;
  /** Moves when a commit or discard changed a VM's disks. */
  revision: number;
  /** Commits, discards or keeps the session's changes; a failure is kept in job(id). */
  choose(vm: UndoVm, action: UndoAction): Promise<void>;
  /** The person turned this VM off from the app: when it is off, ask about its undo disks. */
  expectOff(id: string): void;
  /** The turn off was refused: nothing to ask. */
  forget(id: string): void;
}

export const UndoContext = createContext<Undo | null>(null);

export function useUndo(): Undo {
  const undo = useContext(UndoContext);
  if (!undo) throw new Error('useUndo outside UndoProvider');
  return undo;
}
