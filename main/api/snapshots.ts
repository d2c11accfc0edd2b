import { z } from 'zod';
import { IDE_SLOTS, type IdeSlot } from './vm-settings.js';

/**
 * Snapshots: a VM's disks as a tree of differencing VHDs. Taking one freezes the current disk of every IDE
 * slot and gives the VM new children to write to; a snapshot of a running VM also keeps its machine state.
 */

/** A snapshot as clients see it. Hidden nodes (deleted, kept because two branches still need their disk) are left out. */
export interface SnapshotInfo {
  id: string;
  name: string;
  description: string;
  /** ISO time it was taken. */
  created: string;
  /** The nearest visible snapshot above it; null at the top of the tree. */
  parentId: string | null;
  /** It holds the machine's memory and devices: reverting resumes the guest exactly there. */
  hasState: boolean;
  hasThumbnail: boolean;
  /** The frozen disk of each slot. */
  disks: { slot: IdeSlot; path: string }[];
}

/** A long snapshot job (a merge after a delete), for a progress bar. */
export interface SnapshotJob {
  operation: 'merge';
  snapshotId: string;
  /** The deleted snapshot's name (it is no longer in the tree). */
  snapshotName: string;
  done: number;
  total: number;
}

export interface SnapshotTree {
  vmId: string;
  /** Every visible snapshot, oldest first. */
  snapshots: SnapshotInfo[];
  /** The snapshot the VM's present state ("Now") grows from; null before the first snapshot. */
  current: string | null;
  job: SnapshotJob | null;
}

const id = z.string().uuid('not a VM id');
const snapshotId = z.string().uuid('not a snapshot id');
const name = z.string().trim().min(1, 'a snapshot needs a name').max(100, 'at most 100 characters');
const description = z.string().max(2000, 'at most 2000 characters');

export const snapshotRequestSchemas = {
  'snapshot.list': z.object({ id }).strict(),
  /** Without a name, one is made from the time ("Snapshot 2026-11-28 14:03"). */
  'snapshot.take': z.object({ id, name: name.optional(), description: description.optional() }).strict(),
  /** `discardCurrent`: do not keep the present state as a branch (it is kept by default). */
  'snapshot.revert': z.object({ id, snapshotId, discardCurrent: z.boolean().optional() }).strict(),
  'snapshot.delete': z.object({ id, snapshotId }).strict(),
  'snapshot.rename': z.object({ id, snapshotId, name, description: description.optional() }).strict(),
  'snapshot.thumbnail': z.object({ id, snapshotId }).strict(),
} as const;

export interface SnapshotResults {
  'snapshot.list': SnapshotTree;
  /** `pausedMs`: how long a running guest stood still for it (null for a VM that was not running). */
  'snapshot.take': SnapshotInfo & { pausedMs: number | null };
  'snapshot.revert': SnapshotTree;
  'snapshot.delete': SnapshotTree;
  'snapshot.rename': SnapshotInfo;
  'snapshot.thumbnail': { png: string | null };
}

/** How a snapshot is kept in the VM's file (beside its settings, so one atomic write changes both). */
export const SnapshotRecordSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  description: z.string(),
  created: z.string(),
  parentId: z.string().uuid().nullable(),
  /** Deleted by the user but kept until its disk can be merged away (two branches depend on it, or the VM runs). */
  hidden: z.boolean(),
  disks: z.array(z.object({ slot: z.enum(IDE_SLOTS), path: z.string() })),
  /** File names in the VM's Snapshots folder, when present (disks live beside the VM's own, see snapshot-service). */
  stateFile: z.string().nullable(),
  thumbnailFile: z.string().nullable(),
});
export type SnapshotRecord = z.infer<typeof SnapshotRecordSchema>;

export const SnapshotsSchema = z.object({
  current: z.string().uuid().nullable(),
  items: z.array(SnapshotRecordSchema),
  /** Disks Kaso made for snapshots (as the settings name them): the only ones it may ever delete. */
  owned: z.array(z.string()).default([]),
});
export type Snapshots = z.infer<typeof SnapshotsSchema>;
