import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VmDetails } from '../../main/api/requests.js';
import { testGuest, testGuestMissing, type TestGuest } from '../helpers/guest.js';
import { startHost, type Harness } from '../helpers/host-harness.js';
import { announceSkip } from '../helpers/peers.js';

/**
 * A Virtual PC machine brought into Kaso from its .vmc (as Virtual PC 2007 writes it: UTF-16, Windows
 * paths), then exported with its snapshots and brought in again as a copy: each one boots the test guest.
 */
const guest: TestGuest | null = await testGuest();
announceSkip('import and export tests', guest ? null : testGuestMissing());
const PROMPT = /kaso-guest# /;

function vmcFile(diskName: string): Buffer {
  const xml = [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<!-- Microsoft Virtual Machine Options and Settings -->',
    '<preferences>',
    '\t<version type="string">2.0</version>',
    '\t<hardware>',
    '\t\t<memory><ram_size type="integer">128</ram_size></memory>',
    '\t\t<pci_bus>',
    '\t\t\t<ethernet_adapter><controller_count type="integer">1</controller_count>',
    '\t\t\t\t<ethernet_controller id="0"><virtual_network><name type="string">Local only</name></virtual_network>',
    '\t\t\t\t<ethernet_card_address type="bytes">0003FF112233</ethernet_card_address></ethernet_controller>',
    '\t\t\t</ethernet_adapter>',
    '\t\t\t<ide_adapter><ide_controller id="0"><location id="0"><drive_type type="integer">1</drive_type>',
    `\t\t\t\t<pathname><absolute type="string">C:\\Virtual Machines\\Old\\${diskName}</absolute><relative type="string">.\\${diskName}</relative></pathname>`,
    '\t\t\t</location></ide_controller></ide_adapter>',
    '\t\t</pci_bus>',
    '\t</hardware>',
    '\t<undo_drives><enabled type="boolean">false</enabled></undo_drives>',
    '</preferences>',
  ].join('\r\n');
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
}

describe.skipIf(!guest)('importing and exporting machines', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost('import');
  });

  async function bootsToPrompt(id: string): Promise<void> {
    await h.call('vm.start', { id });
    await h.waitSerial(id, PROMPT);
    await h.call('vm.turnOff', { id });
  }

  it('imports a Virtual PC .vmc with its VHD in place, exports it with a snapshot, and imports the copy', { timeout: 600_000 }, async () => {
    const old = path.join(h.home, 'from-virtual-pc');
    mkdirSync(old);
    copyFileSync(guest!.vhd, path.join(old, 'Old Disk.vhd'));
    writeFileSync(path.join(old, 'Old.vmc'), vmcFile('Old Disk.vhd'));
    const imported = await h.call<{ vm: VmDetails; warnings: string[] }>('vm.import', { path: path.join(old, 'Old.vmc') });
    expect(imported.vm.name).toBe('Old');
    expect(imported.vm.memoryMiB).toBe(128);
    expect(imported.vm.settings.ide.primaryMaster).toEqual({ kind: 'disk', path: path.join(old, 'Old Disk.vhd') });
    // Its NIC keeps Virtual PC's address; "Local only" has no Kaso network of that name, so it is not connected.
    expect(imported.vm.settings.nics).toEqual([{ model: 'ne2k', mac: '00:03:ff:11:22:33', network: null }]);
    expect(imported.warnings.join(' ')).toMatch(/Adapter 1 was on "Local only", which has no Kaso network of that name/);
    await h.call('vm.update', { id: imported.vm.id, settings: { bootOrder: ['disk'] } });
    await bootsToPrompt(imported.vm.id);

    await h.call('snapshot.take', { id: imported.vm.id, name: 'Before export' });
    const out = path.join(h.home, 'exports');
    const { folder } = await h.call<{ folder: string }>('vm.export', { id: imported.vm.id, folder: out });
    expect(folder).toBe(path.join(out, 'Old'));
    await expect(h.call('vm.import', { path: folder })).rejects.toThrow(/named "Old" already exists/);
    await h.call('vm.delete', { id: imported.vm.id, keepDisks: true });
    const again = await h.call<{ vm: VmDetails }>('vm.import', { path: folder });
    expect(again.vm.folder).toBe(folder);
    const tree = await h.call<{ snapshots: { name: string }[] }>('snapshot.list', { id: again.vm.id });
    expect(tree.snapshots.map((s) => s.name)).toEqual(['Before export']);
    await bootsToPrompt(again.vm.id); // its chain now grows from the copied disk, not the one in from-virtual-pc
  });

  it('says what is wrong with a .vmc that is not one', async () => {
    const bad = path.join(h.home, 'bad.vmc');
    writeFileSync(bad, 'this is not XML');
    await expect(h.call('vm.import', { path: bad })).rejects.toThrow(/bad\.vmc/);
  });
});
