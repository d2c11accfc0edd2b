import { describe, expect, it } from 'vitest';
import { MAC_PREFIX, MacSchema, NETWORK_KINDS, NetworkSettingsFields, randomMac, type NetworkSettings, type Nic, type PortForward } from '../../main/api/networks.js';
import { ApiError } from '../../main/api/requests.js';
import { defaultSettings, type VmSettings } from '../../main/api/vm-settings.js';
import { defaultNetworkSettings, defaultRange, freeSubnet } from '../../main/host/networks/network-defaults.js';
import { checkNetwork } from '../../main/host/networks/network-rules.js';
import { onlyCablesMove } from '../../main/host/networks/nic-changes.js';
import { Firewall } from '../../main/net/firewall.js';
import { ipv4Frame, PROTO_TCP, put16 } from '../../main/net/frame.js';
import { broadcastOf, hostAddressOf, intToIp, ipToInt, parseCidr } from '../../main/net/ipv4.js';

/** The field checkNetwork names when it refuses these settings, or null when it takes them. */
function refusal(s: NetworkSettings): string | null {
  try {
    checkNetwork(s);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('INVALID_INPUT');
    expect((e as ApiError).message.startsWith(`${(e as ApiError).field}: `)).toBe(true);
    return (e as ApiError).field ?? '(no field)';
  }
}

function nat(patch: Partial<NetworkSettings> = {}): NetworkSettings {
  return { ...defaultNetworkSettings('Uplink', 'nat', '10.0.2.0/24'), ...patch };
}

function withDhcp(d: Partial<NetworkSettings['dhcp']>): NetworkSettings {
  const s = nat();
  return { ...s, dhcp: { ...s.dhcp, ...d } };
}

function forward(f: Partial<PortForward> = {}): PortForward {
  return { protocol: 'tcp', hostPort: 2222, hostAddress: '127.0.0.1', guestAddress: '10.0.2.15', guestPort: 22, ...f };
}

describe('checkNetwork', () => {
  it('takes the default settings of every kind', () => {
    for (const kind of NETWORK_KINDS) expect(refusal(defaultNetworkSettings('Net', kind, freeSubnet(kind, [])))).toBeNull();
  });

  it('wants a subnet named by its first address', () => {
    expect(refusal(nat({ subnet: '10.0.2.7/24' }))).toBe('subnet');
    expect(() => checkNetwork(nat({ subnet: '10.0.2.7/24' }))).toThrow('10.0.2.0/24');
  });

  it('wants the DHCP range inside the subnet, in order, and clear of the host, network and broadcast addresses', () => {
    expect(refusal(withDhcp({ first: '10.0.3.100' }))).toBe('dhcp.first');
    expect(refusal(withDhcp({ last: '10.0.3.10' }))).toBe('dhcp.last');
    expect(refusal(withDhcp({ first: '10.0.2.150', last: '10.0.2.120' }))).toBe('dhcp.last');
    expect(refusal(withDhcp({ first: '10.0.2.1', last: '10.0.2.50' }))).toBe('dhcp.first');
    expect(refusal(withDhcp({ first: '10.0.2.0', last: '10.0.2.0' }))).toBe('dhcp.first');
    expect(refusal(withDhcp({ first: '10.0.2.200', last: '10.0.2.255' }))).toBe('dhcp.last');
    expect(refusal(withDhcp({ first: '10.0.2.2', last: '10.0.2.254' }))).toBeNull();
    expect(refusal(withDhcp({ first: '10.0.2.9', last: '10.0.2.9' }))).toBeNull();
  });

  it('checks the range even while DHCP is off, so turning it on cannot make the settings wrong', () => {
    expect(refusal(withDhcp({ enabled: false, first: '10.0.9.1' }))).toBe('dhcp.first');
  });

  it('wants the router handed out inside the subnet, or none', () => {
    expect(refusal(withDhcp({ gateway: '10.0.3.1' }))).toBe('dhcp.gateway');
    expect(refusal(withDhcp({ gateway: null }))).toBeNull();
    expect(refusal(withDhcp({ dns: ['1.1.1.1'] }))).toBeNull(); // DNS servers may be anywhere
  });

  it('refuses port forwards on an internal network, to an address off the subnet, or from the same host port twice', () => {
    const internal = defaultNetworkSettings('Lab', 'internal', '192.168.131.0/24');
    expect(refusal({ ...internal, forwards: [forward({ guestAddress: '192.168.131.15' })] })).toBe('forwards');
    expect(refusal(nat({ forwards: [forward({ guestAddress: '10.0.3.15' })] }))).toBe('forwards.0.guestAddress');
    expect(refusal(nat({ forwards: [forward(), forward({ guestPort: 23 })] }))).toBe('forwards.1.hostPort');
    expect(refusal(nat({ forwards: [forward(), forward({ protocol: 'udp' })] }))).toBeNull();
    expect(refusal(nat({ forwards: [forward(), forward({ hostAddress: '127.0.0.2' })] }))).toBeNull();
    expect(refusal({ ...defaultNetworkSettings('Host', 'host-only', '192.168.56.0/24'), forwards: [forward({ guestAddress: '192.168.56.101' })] })).toBeNull();
  });
});

describe('network defaults', () => {
  it('picks the subnets VirtualBox users know, and the next one when taken', () => {
    expect(freeSubnet('nat', [])).toBe('10.0.2.0/24');
    expect(freeSubnet('host-only', [])).toBe('192.168.56.0/24');
    expect(freeSubnet('internal', [])).toBe('192.168.131.0/24');
    expect(freeSubnet('nat', ['10.0.2.0/24', '10.0.3.0/24', '192.168.56.0/24'])).toBe('10.0.4.0/24');
    expect(freeSubnet('host-only', ['10.0.2.0/24', '192.168.56.0/24'])).toBe('192.168.57.0/24');
  });

  it('gives a /24 the range .100 to .199', () => {
    expect(defaultRange('192.168.56.0/24')).toEqual({ first: '192.168.56.100', last: '192.168.56.199' });
    expect(defaultRange('10.1.0.0/16')).toEqual({ first: '10.1.0.100', last: '10.1.0.199' });
    expect(defaultRange('10.0.0.0/30')).toEqual({ first: '10.0.0.2', last: '10.0.0.2' });
  });

  it('gives every subnet size from /8 to /30 a range that checkNetwork takes', () => {
    for (let bits = 8; bits <= 30; bits++) {
      const subnet = `10.0.0.0/${bits}`;
      const { first, last } = defaultRange(subnet);
      const s = parseCidr(subnet);
      expect(ipToInt(first), subnet).toBeGreaterThan(ipToInt(hostAddressOf(subnet)));
      expect(ipToInt(last), subnet).toBeLessThan(broadcastOf(s));
      expect(ipToInt(first), subnet).toBeLessThanOrEqual(ipToInt(last));
      expect(ipToInt(last) - ipToInt(first), subnet).toBeLessThan(100);
      for (const kind of NETWORK_KINDS) expect(refusal(defaultNetworkSettings('Net', kind, subnet)), `${kind} ${subnet}`).toBeNull();
    }
  });

  it('starts an internal network without DHCP, host-only and NAT with it, NAT with its router and DNS at the host', () => {
    const internal = defaultNetworkSettings('Lab', 'internal', '192.168.131.0/24');
    expect(internal.dhcp).toMatchObject({ enabled: false, gateway: null, dns: [] });
    expect([internal.defaultIn, internal.defaultOut, internal.rules, internal.forwards]).toEqual(['allow', 'allow', [], []]);

    const hostOnly = defaultNetworkSettings('Host', 'host-only', '192.168.56.0/24');
    expect(hostOnly.dhcp).toMatchObject({ enabled: true, first: '192.168.56.100', last: '192.168.56.199', gateway: null });
    expect([hostOnly.defaultIn, hostOnly.defaultOut]).toEqual(['allow', 'allow']);

    const natNet = nat();
    expect(natNet.dhcp).toMatchObject({ enabled: true, gateway: '10.0.2.1', dns: ['10.0.2.1'], leaseSeconds: 86400 });
    expect([natNet.defaultIn, natNet.defaultOut, natNet.mtu]).toEqual(['deny', 'allow', 1500]);
    for (const s of [internal, hostOnly, natNet]) expect(NetworkSettingsFields.parse(s)).toEqual(s);
  });

  it("lets a NAT network's VMs reach each other while the outside cannot come in unasked", () => {
    const fw = new Firewall(nat());
    const syn = (src: string, dst: string, port: number) => {
      const { frame, payload } = ipv4Frame('02:6b:61:00:00:0b', '02:6b:61:00:00:0a', ipToInt(src), ipToInt(dst), PROTO_TCP, 20);
      put16(frame, payload, 40000);
      put16(frame, payload + 2, port);
      frame[payload + 13] = 0x02;
      return frame;
    };
    expect(fw.allows(syn('10.0.2.16', '10.0.2.15', 22), 'in')).toBe(true);
    expect(fw.allows(syn('10.0.2.1', '10.0.2.15', 80), 'in')).toBe(true); // the host side (and DHCP replies from it)
    expect(fw.allows(syn('203.0.113.9', '10.0.2.15', 22), 'in')).toBe(false);
    expect(fw.allows(syn('10.0.2.15', '203.0.113.9', 443), 'out')).toBe(true);
  });
});

describe('onlyCablesMove', () => {
  const nics: Nic[] = [
    { model: 'virtio', mac: '02:6b:61:00:00:01', network: 'Uplink' },
    { model: 'ne2k', mac: '02:6b:61:00:00:02', network: null },
  ];
  const current: VmSettings = { ...defaultSettings('Alpha', 'linux64'), nics };
  const moved = (i: number, network: string | null) => nics.map((n, j) => (i === j ? { ...n, network } : n));

  it('is true when only the networks NICs are plugged into change (moved, plugged in, unplugged)', () => {
    expect(onlyCablesMove(current, { nics: moved(0, 'Lab') })).toBe(true);
    expect(onlyCablesMove(current, { nics: moved(0, null) })).toBe(true);
    expect(onlyCablesMove(current, { nics: moved(1, 'Lab') })).toBe(true);
    expect(onlyCablesMove(current, { nics: moved(1, 'Lab'), name: 'Alpha', memoryMiB: current.memoryMiB })).toBe(true); // unchanged fields ride along
  });

  it('is false when an adapter is added, removed, reordered, or changes its MAC or model', () => {
    expect(onlyCablesMove(current, { nics: [...nics, { model: 'ne2k', mac: '02:6b:61:00:00:03', network: null }] })).toBe(false);
    expect(onlyCablesMove(current, { nics: nics.slice(0, 1) })).toBe(false);
    expect(onlyCablesMove(current, { nics: [nics[1]!, nics[0]!] })).toBe(false);
    expect(onlyCablesMove(current, { nics: [{ ...nics[0]!, mac: '02:6b:61:00:00:09' }, nics[1]!] })).toBe(false);
    expect(onlyCablesMove(current, { nics: [{ ...nics[0]!, model: 'ne2k' }, nics[1]!] })).toBe(false);
  });

  it('is false when anything else changes too, or nothing is asked', () => {
    expect(onlyCablesMove(current, { nics: moved(0, 'Lab'), memoryMiB: 2048 })).toBe(false);
    expect(onlyCablesMove(current, { name: 'Beta' })).toBe(false);
    expect(onlyCablesMove(current, { notes: current.notes })).toBe(false); // no NIC list: nothing to move
    expect(onlyCablesMove(current, {})).toBe(false);
  });
});

describe('MacSchema', () => {
  const parse = (s: string) => MacSchema.safeParse(s);

  it('takes six hex pairs, with colons or dashes, any case, and gives them back lower case with colons', () => {
    expect(parse('02:6b:61:aa:bb:cc').data).toBe('02:6b:61:aa:bb:cc');
    expect(parse('02-6B-61-AA-BB-CC').data).toBe('02:6b:61:aa:bb:cc');
    expect(parse('  00:1A:2b:3C:4d:5E ').data).toBe('00:1a:2b:3c:4d:5e'); // a vendor (universal) address is fine
  });

  it('refuses what is not six hex pairs', () => {
    for (const bad of ['', '02:6b:61:aa:bb', '02:6b:61:aa:bb:cc:dd', '2:6b:61:aa:bb:cc', '02:6b:61:aa:bb:cg', '026b61aabbcc', '02.6b.61.aa.bb.cc', '02:6b:61:aa:bb:ccc'])
      expect(parse(bad).success, bad).toBe(false);
  });

  it('refuses group addresses (broadcast, multicast) and the all-zero address, which no NIC can have', () => {
    for (const bad of ['ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:fb', '33:33:00:00:00:01', '03:00:00:00:00:01', '00:00:00:00:00:00']) {
      const r = parse(bad);
      expect(r.success, bad).toBe(false);
      expect(r.error!.issues[0]!.message, bad).toMatch(/unicast|all-zero/);
    }
  });

  it('makes random MACs that it takes, all under Kaso\'s locally administered prefix', () => {
    const macs = Array.from({ length: 200 }, randomMac);
    for (const m of macs) {
      expect(m.startsWith(`${MAC_PREFIX}:`)).toBe(true);
      expect(parse(m).data).toBe(m);
    }
    expect(parseInt(MAC_PREFIX.slice(0, 2), 16) & 0b11).toBe(0b10); // locally administered, unicast
    expect(new Set(macs).size).toBeGreaterThan(190);
  });
});

describe('IPv4 helpers the settings rest on', () => {
  it('does subnet arithmetic at the edges: /8, /30, /32 and /0', () => {
    expect(parseCidr('10.200.3.4/8')).toEqual({ base: ipToInt('10.0.0.0'), bits: 8, mask: ipToInt('255.0.0.0') });
    expect(intToIp(broadcastOf(parseCidr('192.168.1.4/30')))).toBe('192.168.1.7');
    expect(parseCidr('1.2.3.4/32').mask).toBe(0xffffffff);
    expect(parseCidr('1.2.3.4/0')).toEqual({ base: 0, bits: 0, mask: 0 });
    expect(intToIp(ipToInt('255.255.255.255'))).toBe('255.255.255.255');
    expect(hostAddressOf('172.16.0.0/12')).toBe('172.16.0.1');
  });
});
