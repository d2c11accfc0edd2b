import { describe, expect, it } from 'vitest';
import { MAC_PREFIX } from '../../main/api/networks.js';
import { defaultNetworkSettings } from '../../main/host/networks/network-defaults.js';
import { importedNics } from '../../main/host/networks/imported-nics.js';
import { NetworkLibrary } from '../../main/host/networks/network-library.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A Virtual PC machine's adapters coming into a library that has a "Lab" network and a VM holding one address. */
async function library(): Promise<NetworkLibrary> {
  const nets = await NetworkLibrary.open(tempDir('imported-nics'));
  await nets.create(defaultNetworkSettings('Lab', 'internal', '192.168.131.0/24'));
  return nets;
}
const owner = (mac: string) => (mac === '00:03:ff:00:00:02' ? 'Old Server' : null);

describe('NICs of an imported machine', () => {
  it('keeps free addresses, connects to the network of the same name, and says what it could not keep', async () => {
    const { nics, warnings } = importedNics(
      [
        { mac: '00:03:FF:00:00:01', network: 'lab' },
        { mac: '00:03:FF:00:00:02', network: 'Shared Networking (NAT)' },
        { mac: null, network: null },
      ],
      await library(),
      owner,
    );
    expect(nics[0]).toEqual({ model: 'ne2k', mac: '00:03:ff:00:00:01', network: 'Lab' });
    expect(nics[1]!.mac).not.toBe('00:03:ff:00:00:02');
    expect(nics[1]!.mac.startsWith(MAC_PREFIX)).toBe(true);
    expect(nics[1]!.network).toBeNull();
    expect(nics[2]!.network).toBeNull();
    expect(new Set(nics.map((n) => n.mac)).size).toBe(3);
    expect(warnings).toEqual([
      'Adapter 2\'s address 00:03:ff:00:00:02 is already the address of a NIC of "Old Server"; it got a new one.',
      'Adapter 2 was on "Shared Networking (NAT)", which has no Kaso network of that name: it is not connected (create one with kaso net create, then connect it in the VM\'s settings).',
    ]);
  });

  it('gives a new address for a group or malformed one and for a repeat within the machine, and leaves out a fourth adapter', async () => {
    const { nics, warnings } = importedNics(
      [
        { mac: '01:00:5e:00:00:01', network: null },
        { mac: '00:03:ff:00:00:09', network: null },
        { mac: '00-03-FF-00-00-09', network: null },
        { mac: '00:03:ff:00:00:0a', network: null },
      ],
      await library(),
      owner,
    );
    expect(nics).toHaveLength(3);
    expect(nics[1]!.mac).toBe('00:03:ff:00:00:09');
    expect(new Set(nics.map((n) => n.mac)).size).toBe(3);
    expect(warnings[0]).toMatch(/had 4 network adapters; the embedded engine has 3/);
    expect(warnings[1]).toMatch(/Adapter 1's address 01:00:5e:00:00:01 is not a usable NIC address/);
    expect(warnings[2]).toMatch(/Adapter 3's address 00:03:ff:00:00:09 is already used by another adapter/);
  });
});
