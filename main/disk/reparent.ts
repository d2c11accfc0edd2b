import path from 'node:path';
import { parentLink } from './create.js';
import { DiskFile } from './disk-file.js';
import { DiskError } from './errors.js';
import { DiskType, SECTOR } from './format/constants.js';
import { chooseFooter, readFooterCopies } from './format/footer-copies.js';
import { emptyLocator, LOCATOR_COUNT, type ParentLocator } from './format/dynamic-header.js';
import { formatGuid, sameGuid } from './format/guid.js';
import { openDisk } from './open.js';
import { SparseLayout, alignUp } from './sparse-layout.js';

export interface ReparentResult {
  child: string;
  parent: string;
}

/**
 * Points a differencing disk at its parent's new location (after the parent was moved or copied). The new
 * parent must carry the unique id the child recorded: any other disk would hand the child the wrong data.
 * New locator data is written to fresh space first; the single header write then switches to it.
 */
export interface ReparentOptions {
  /**
   * The new parent is another disk holding exactly what the old one showed (the old parent was merged into
   * it): take on its unique id instead of requiring the recorded one. Only snapshot consolidation knows this.
   */
  rebase?: boolean;
}

export async function reparentDisk(childFile: string, newParentFile: string, options: ReparentOptions = {}): Promise<ReparentResult> {
  const child = path.resolve(childFile);
  const parent = await openDisk(newParentFile);
  const f = await DiskFile.open(child, 'write');
  try {
    const layout = await SparseLayout.load(f, chooseFooter(child, await readFooterCopies(f)).footer);
    if (layout.footer.diskType !== DiskType.Differencing)
      throw new DiskError('INVALID_ARGUMENT', child, 'is not a differencing disk: it has no parent to change');
    const wanted = layout.header.parentUniqueId;
    if (!parent.uniqueId || (!options.rebase && !sameGuid(parent.uniqueId, wanted)))
      throw new DiskError(
        'PARENT_MISMATCH',
        child,
        `its parent must have unique id ${formatGuid(wanted)}, but ${parent.path} has ${parent.uniqueId ? formatGuid(parent.uniqueId) : 'none (not a VHD)'}`,
      );
    const link = await parentLink(child, parent.path, parent.footer!);
    const locators: ParentLocator[] = [];
    for (const [platformCode, data] of link.locators) {
      const space = alignUp(Math.max(data.length, SECTOR));
      const at = await layout.claim(space);
      await f.write(data, at);
      locators.push({ platformCode, dataSpace: space, dataLength: data.length, dataOffset: at });
    }
    while (locators.length < LOCATOR_COUNT) locators.push(emptyLocator());
    await f.sync(); // the new locator data is durable before the header points at it
    // One header write switches name, time stamp, locators and (for a rebase) the parent's id together.
    await layout.writeHeader({ ...layout.header, parentUniqueId: parent.uniqueId, parentName: link.name, parentTimestamp: link.timestamp, locators });
    await f.sync();
    return { child, parent: parent.path };
  } finally {
    await f.close();
    await parent.close();
  }
}
