import { promises as fs } from 'node:fs';
import { chainOf, type Disk, type DiskKind } from './disk.js';
import { isDiskError } from './errors.js';
import type { Geometry } from './format/geometry.js';
import { formatGuid } from './format/guid.js';
import { dateFromVhdTimestamp } from './format/timestamp.js';
import { readPlaceholder } from './linked-placeholder.js';
import { openDisk } from './open.js';
import { readLocators } from './parent-locate.js';
import { SparseDisk } from './sparse-disk.js';
import { formatBytes } from '../api/units.js';

export interface DiskInfo {
  path: string;
  type: DiskKind;
  virtualSize: number;
  fileSize: number;
  /** Dynamic and differencing disks only. */
  blockSize: number | null;
  /** Bytes of blocks allocated in this file (dynamic and differencing disks). */
  allocatedSize: number | null;
  uniqueId: string | null;
  creator: { application: string; version: string; hostOs: string } | null;
  geometry: Geometry | null;
  created: string | null;
  /** Linked disks: the drive or image used in place. */
  target?: string;
  /** Differencing disks: what the child recorded about its parent. */
  parentName?: string;
  parentUniqueId?: string;
  locators?: { platform: string; path: string | null }[];
  /** The parent chain, nearest parent first, down to the root. */
  parents: { path: string; uniqueId: string | null }[];
  /** Why the chain could not be followed (a missing or mismatched parent). */
  parentError?: string;
}

export async function diskInfo(file: string): Promise<DiskInfo> {
  let disk: Disk;
  let parentError: string | undefined;
  try {
    disk = await openDisk(file, { allowRaw: true });
  } catch (e) {
    if (!isDiskError(e) || !e.code.startsWith('PARENT_')) throw e;
    parentError = e.message;
    disk = await openDisk(file, { withoutParent: true });
  }
  try {
    return { ...(await describe(disk)), ...(parentError ? { parentError } : {}) };
  } finally {
    await disk.close();
  }
}

async function describe(disk: Disk): Promise<DiskInfo> {
  const f = disk.footer;
  const info: DiskInfo = {
    path: disk.path,
    type: disk.kind,
    virtualSize: disk.size,
    fileSize: (await fs.stat(disk.path)).size,
    blockSize: null,
    allocatedSize: null,
    uniqueId: disk.uniqueId ? formatGuid(disk.uniqueId) : null,
    creator: f
      ? { application: f.creatorApp.replace(/\0/g, ''), version: `${f.creatorVersion >>> 16}.${f.creatorVersion & 0xffff}`, hostOs: f.creatorHostOs.replace(/\0/g, '') }
      : null,
    geometry: f ? { ...f.geometry } : null,
    created: f ? dateFromVhdTimestamp(f.timestamp).toISOString() : null,
    parents: chainOf(disk)
      .slice(1)
      .map((p) => ({ path: p.path, uniqueId: p.uniqueId ? formatGuid(p.uniqueId) : null })),
  };
  if (disk.kind === 'linked') info.target = (await readPlaceholder(disk.path).catch(() => null))?.target ?? disk.path;
  if (disk instanceof SparseDisk) {
    const layout = disk.vhd;
    info.blockSize = layout.blockSize;
    let blocks = 0;
    for (let i = 0; i < layout.bat.length; i++) if (layout.blockOffset(i) !== null) blocks++;
    info.allocatedSize = blocks * layout.blockSize;
    if (disk.kind === 'differencing') {
      info.parentName = layout.header.parentName;
      info.parentUniqueId = formatGuid(layout.header.parentUniqueId);
      info.locators = (await readLocators(layout)).map((l) => ({ platform: l.platform, path: l.text }));
    }
  }
  return info;
}

/** Human-readable lines for `kaso disk info`. */
export function formatInfo(i: DiskInfo): string[] {
  const lines = [
    `File:          ${i.path}`,
    `Type:          ${i.type}`,
    `Virtual size:  ${formatBytes(i.virtualSize)} (${i.virtualSize} bytes)`,
    `File size:     ${formatBytes(i.fileSize)} (${i.fileSize} bytes)`,
  ];
  if (i.blockSize) lines.push(`Block size:    ${formatBytes(i.blockSize)}`, `Allocated:     ${formatBytes(i.allocatedSize ?? 0)}`);
  if (i.uniqueId) lines.push(`Unique id:     ${i.uniqueId}`);
  if (i.creator) lines.push(`Creator:       ${i.creator.application} ${i.creator.version} (${i.creator.hostOs})`);
  if (i.geometry) lines.push(`Geometry:      C/H/S ${i.geometry.cylinders}/${i.geometry.heads}/${i.geometry.sectorsPerTrack}`);
  if (i.created) lines.push(`Created:       ${i.created}`);
  if (i.target) lines.push(`Linked to:     ${i.target}`);
  if (i.parentName !== undefined) lines.push(`Parent name:   ${i.parentName}`, `Parent id:     ${i.parentUniqueId}`);
  for (const l of i.locators ?? []) lines.push(`Locator:       ${l.platform.padEnd(5)} ${l.path ?? '(unreadable)'}`);
  i.parents.forEach((p, n) => lines.push(`${n === 0 ? 'Parent chain:  ' : '               '}${p.path}  {${p.uniqueId}}`));
  if (i.parentError) lines.push(`Parent:        ${i.parentError}`);
  return lines;
}
