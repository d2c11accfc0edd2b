import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NetworkSettings, NicPort } from '../../main/api/networks.js';
import { defaultNetworkSettings } from '../../main/host/networks/network-defaults.js';
import { be32, parseIpv4 } from '../../main/net/frame.js';
import { intToIp } from '../../main/net/ipv4.js';
import type { NetworkRuntimeConfig } from '../../main/net/netd-protocol.js';
import { NetworkRuntime } from '../../main/net/network-runtime.js';
import type { SwitchPort } from '../../main/net/virtual-switch.js';
import { dhcpClientFrame } from '../helpers/dhcp-client.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * One network as netd runs it: a guest's NIC plugged into the switch gets an address from the network's DHCP
 * server, the lease is on disk, and a restarted netd (a new runtime from the same file) hands it back; a
 * network given a new subnet forgets the old leases.
 */
const GATEWAY_MAC = '02:6b:67:00:00:01';
const GUEST_MAC = '02:6b:61:00:00:2a';
const NIC: NicPort = { portId: 'vm/0', vmId: 'vm', vmName: 'Guest', index: 0, mac: GUEST_MAC, network: 'Lab' };

function runtimeConfig(folder: string, settings: NetworkSettings): NetworkRuntimeConfig {
  const host = settings.subnet.replace(/\.0\/\d+$/, '.1');
  return { settings, hostAddress: host, gatewayMac: GATEWAY_MAC, leasesFile: path.join(folder, 'Lab.leases.json'), passt: null };
}

class GuestNic implements SwitchPort {
  readonly id = NIC.portId;
  readonly mac = GUEST_MAC;
  readonly received: Uint8Array[] = [];
  deliver(frame: Uint8Array): boolean {
    this.received.push(frame);
    return true;
  }
}

/** DISCOVER, then REQUEST what was offered; the address the server acknowledged. */
function leaseAddress(rt: NetworkRuntime, nic: GuestNic, server: string): string {
  rt.switch.input(nic.id, dhcpClientFrame({ type: 1, mac: GUEST_MAC }, GATEWAY_MAC, server));
  const offered = yiaddr(nic.received.at(-1)!);
  rt.switch.input(nic.id, dhcpClientFrame({ type: 3, mac: GUEST_MAC, requested: offered, server }, GATEWAY_MAC, server));
  return yiaddr(nic.received.at(-1)!);
}

function yiaddr(frame: Uint8Array): string {
  return intToIp(be32(frame, parseIpv4(frame)!.payload + 8 + 16));
}

async function settle(rt: NetworkRuntime): Promise<void> {
  await rt.close(); // waits for the leases file
}

describe('a network as netd runs it', () => {
  it('keeps a lease across a restart, and drops the leases when the subnet changes', async () => {
    const folder = tempDir('net-runtime');
    const lab = { ...defaultNetworkSettings('Lab', 'host-only', '192.168.56.0/24') };
    const first = new NetworkRuntime(runtimeConfig(folder, lab));
    const nic = new GuestNic();
    first.plug(NIC, nic);
    const address = leaseAddress(first, nic, '192.168.56.1');
    expect(address).toBe('192.168.56.100');
    expect(first.status([NIC]).leases).toEqual([expect.objectContaining({ mac: GUEST_MAC, address })]);
    await settle(first);
    expect(JSON.parse(readFileSync(path.join(folder, 'Lab.leases.json'), 'utf8')).leases).toEqual([expect.objectContaining({ mac: GUEST_MAC, address })]);

    // netd started again: the same guest asking anew gets the same address, and the others stay free.
    const again = new NetworkRuntime(runtimeConfig(folder, { ...lab, dhcp: { ...lab.dhcp, first: '192.168.56.99' } }));
    const nic2 = new GuestNic();
    again.plug(NIC, nic2);
    expect(again.status([NIC]).leases.map((l) => l.address)).toEqual([address]);
    expect(leaseAddress(again, nic2, '192.168.56.1')).toBe(address);
    await settle(again);

    // The subnet changes: a new network behind the same name, which starts with no leases.
    const renumbered = { ...defaultNetworkSettings('Lab', 'host-only', '192.168.57.0/24') };
    const fresh = new NetworkRuntime(runtimeConfig(folder, renumbered), () => {}, false);
    expect(fresh.status([NIC]).leases).toEqual([]);
    const nic3 = new GuestNic();
    fresh.plug(NIC, nic3);
    expect(leaseAddress(fresh, nic3, '192.168.57.1')).toBe('192.168.57.100');
    await settle(fresh);
    expect(existsSync(path.join(folder, 'Lab.leases.json'))).toBe(true);
  });

  it('lists the NICs configured on it, linked or not, with their counters', () => {
    const folder = tempDir('net-runtime');
    const rt = new NetworkRuntime(runtimeConfig(folder, defaultNetworkSettings('Lab', 'internal', '192.168.131.0/24')));
    const other: NicPort = { ...NIC, portId: 'vm2/0', vmId: 'vm2', vmName: 'Off', mac: '02:6b:61:00:00:2b' };
    const nic = new GuestNic();
    rt.plug(NIC, nic);
    const status = rt.status([NIC, other, { ...other, portId: 'vm3/0', network: 'Elsewhere' }]);
    expect(status.ports.map((p) => [p.vmName, p.linked])).toEqual([
      ['Guest', true],
      ['Off', false],
    ]);
    expect(status.problem).toBeNull();
  });
});
