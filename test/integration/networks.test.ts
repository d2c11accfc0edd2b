import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkInfo } from '../../main/api/networks.js';
import type { VmDetails } from '../../main/api/requests.js';
import { testGuest, testGuestMissing, type TestGuest } from '../helpers/guest.js';
import { startHost, type Harness } from '../helpers/host-harness.js';
import { announceSkip } from '../helpers/peers.js';
import { framesOf } from '../helpers/pcap.js';
import { findPasst } from '../../main/host/networks/passt-binary.js';
import { createConnection } from 'node:net';
import { encodeFrame } from '../../main/net/stream-framing.js';

/**
 * Virtual networks with real guests: the test guest's own ping, wget, httpd, nc and udhcpc across netd, as
 * a person checking a lab network would. Each test builds its own network and guests.
 */
const guest: TestGuest | null = await testGuest();
announceSkip('virtual network tests', guest ? null : testGuestMissing());
const PROMPT = /kaso-guest# /;
// The passt the host will run (KASO_PASST, scripts/build-passt's, or one on PATH).
const passtMissing = findPasst() ? null : 'no passt to run (scripts/install-prerequisites builds one with scripts/build-passt)';
announceSkip('host-only and NAT network tests', passtMissing);

describe.skipIf(!guest)('virtual networks with the test guest', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost('net');
  });

  async function network(name: string, kind: string, extra: Record<string, unknown> = {}): Promise<NetworkInfo> {
    return h.call<NetworkInfo>('net.create', { settings: { name, kind, ...extra } });
  }

  /** A guest booted from the test kernel with one NIC on `net`, at its shell prompt. */
  async function guestOn(name: string, net: string, model: 'ne2k' | 'virtio' = 'ne2k', mac?: string): Promise<VmDetails> {
    const vm = await h.create({
      name,
      memoryMiB: 96,
      osPreset: 'linux32',
      kernel: { kernel: guest!.kernel, initrd: guest!.initrd, append: guest!.cmdline },
      nics: [{ model, mac: mac ?? randomTestMac(), network: net }],
    });
    await h.call('vm.start', { id: vm.id });
    await h.waitSerial(vm.id, PROMPT);
    return vm;
  }

  const ipUp = (vm: VmDetails, cidr: string) => h.run(vm.id, `ip link set eth0 up && ip addr add ${cidr} dev eth0`);

  it('two guests on an internal network ping and move a file each way intact; a third network sees none of it', async () => {
    await network('Lab', 'internal', { subnet: '192.168.131.0/24' });
    await network('Elsewhere', 'internal', { subnet: '192.168.131.0/24' });
    const a = await guestOn('Lab A', 'Lab');
    const b = await guestOn('Lab B', 'Lab', 'virtio');
    const c = await guestOn('Elsewhere C', 'Elsewhere');
    const cap = await h.call<NetworkInfo>('net.capture', { name: 'Elsewhere', on: true });
    await ipUp(a, '192.168.131.11/24');
    await ipUp(b, '192.168.131.12/24');
    await ipUp(c, '192.168.131.13/24');
    expect(await h.run(a.id, 'ping -c 3 -W 5 192.168.131.12')).toMatch(/3 packets received/);
    expect(await h.run(b.id, 'ping -c 2 -W 5 192.168.131.11')).toMatch(/2 packets received/);
    expect(await h.run(c.id, 'ping -c 2 -W 2 192.168.131.11')).toMatch(/0 packets received/);
    for (const [from, to, ip] of [[a, b, '192.168.131.12'], [b, a, '192.168.131.11']] as const) {
      await h.run(to.id, 'mkdir -p /www && dd if=/dev/urandom of=/www/blob bs=1024 count=384 2>/dev/null && (httpd -p 8080 -h /www &)');
      // Each sum is read by its tag: a background job's late output may share the serial line with it.
      const sum = md5Of(await h.run(to.id, 'md5sum /www/blob | sed s/^/MD5=/'));
      const got = md5Of(await h.run(from.id, `wget -q -O - http://${ip}:8080/blob | md5sum | sed s/^/MD5=/`, 120_000));
      expect(sum).toMatch(/^[0-9a-f]{32}$/);
      expect(got).toBe(sum);
    }
    const done = await h.call<NetworkInfo>('net.capture', { name: 'Elsewhere', on: false });
    expect(done.capture).toBeNull();
    const frames = framesOf(readFileSync(cap.capture!));
    expect(frames.length).toBeGreaterThan(0); // C's own ARP for .11, unanswered
    const labMacs = [a, b].map((vm) => vm.settings.nics[0]!.mac);
    for (const f of frames) for (const mac of labMacs) expect([f.src, f.dst]).not.toContain(mac);
    const lab = await h.call<NetworkInfo>('net.get', { name: 'Lab' });
    expect(lab.ports.map((p) => [p.vmName, p.linked])).toEqual([['Lab A', true], ['Lab B', true]]);
    expect(lab.ports.every((p) => p.rxFrames > 100 && p.txFrames > 100)).toBe(true);
    for (const vm of [a, b, c]) await h.call('vm.turnOff', { id: vm.id });
  }, 600_000);

  it('a deny rule blocks exactly the traffic it names', async () => {
    await network('Walled', 'internal', {
      subnet: '192.168.140.0/24',
      rules: [{ action: 'deny', direction: 'in', protocol: 'tcp', peer: null, ports: { from: 8081, to: 8081 }, note: 'no 8081' }],
    });
    const a = await guestOn('Wall A', 'Walled');
    const b = await guestOn('Wall B', 'Walled');
    await ipUp(a, '192.168.140.11/24');
    await ipUp(b, '192.168.140.12/24');
    await h.run(b.id, 'mkdir -p /www && echo open-door > /www/index.html && (httpd -p 8080 -h /www &) && (httpd -p 8081 -h /www &)');
    expect(await h.run(a.id, 'ping -c 2 -W 5 192.168.140.12')).toMatch(/2 packets received/);
    expect(await h.run(a.id, 'timeout 5 wget -q -O - http://192.168.140.12:8080/')).toContain('open-door');
    expect(await h.run(a.id, 'timeout 3 wget -q -O - http://192.168.140.12:8081/ || echo refused-$?')).toMatch(/refused-\d+/);
    const info = await h.call<NetworkInfo>('net.get', { name: 'Walled' });
    expect(info.drops.firewall).toBeGreaterThan(0);
    // Lifting the rule opens the port at once.
    await h.call('net.update', { name: 'Walled', settings: { rules: [] } });
    expect(await h.run(a.id, 'timeout 5 wget -q -O - http://192.168.140.12:8081/')).toContain('open-door');
    for (const vm of [a, b]) await h.call('vm.turnOff', { id: vm.id });
  }, 600_000);

  it('three NICs on one guest keep their addresses across save and restore, and a cable moves while it runs', async () => {
    await network('Front', 'internal', { subnet: '192.168.160.0/24' });
    await network('Back', 'internal', { subnet: '192.168.161.0/24' });
    const macs = [randomTestMac(), randomTestMac(), randomTestMac()];
    const multi = await h.create({
      name: 'Multi',
      memoryMiB: 96,
      osPreset: 'linux32',
      kernel: { kernel: guest!.kernel, initrd: guest!.initrd, append: guest!.cmdline },
      nics: [{ model: 'ne2k', mac: macs[0], network: 'Front' }, { model: 'ne2k', mac: macs[1], network: 'Back' }, { model: 'ne2k', mac: macs[2], network: null }],
    });
    await h.call('vm.start', { id: multi.id });
    await h.waitSerial(multi.id, PROMPT);
    const peer = await guestOn('Back Peer', 'Back');
    expect(await h.run(multi.id, 'cat /sys/class/net/eth0/address /sys/class/net/eth1/address /sys/class/net/eth2/address')).toBe(`${macs.join('\n')}\n`);
    await h.run(multi.id, 'ip link set eth1 up && ip addr add 192.168.161.5/24 dev eth1');
    await ipUp(peer, '192.168.161.6/24');
    expect(await h.run(multi.id, 'ping -c 2 -W 5 192.168.161.6')).toMatch(/2 packets received/);
    await h.call('vm.save', { id: multi.id });
    await h.call('vm.start', { id: multi.id });
    expect(await h.run(multi.id, 'cat /sys/class/net/eth1/address; ping -c 2 -W 5 192.168.161.6')).toMatch(new RegExp(`^${macs[1]}[\\s\\S]*2 packets received`));
    // The cable of NIC 2 moves to Front while the guest runs: Back's peer is out of reach, and back again.
    const moved = [...multi.settings.nics];
    moved[1] = { ...moved[1]!, network: 'Front' };
    await h.call('vm.update', { id: multi.id, settings: { nics: moved } });
    expect(await h.run(multi.id, 'ping -c 2 -W 2 192.168.161.6')).toMatch(/0 packets received/);
    moved[1] = { ...moved[1]!, network: 'Back' };
    await h.call('vm.update', { id: multi.id, settings: { nics: moved } });
    expect(await h.run(multi.id, 'ping -c 2 -W 5 192.168.161.6')).toMatch(/[12] packets received/);
    await expect(h.call('vm.update', { id: multi.id, settings: { nics: moved.slice(0, 2) } })).rejects.toThrow(/running/);
    for (const vm of [multi, peer]) await h.call('vm.turnOff', { id: vm.id });
  }, 600_000);

  it('a NIC that sends garbage, giant frames and a broadcast storm is dropped and counted while its neighbours go on', async () => {
    await network('Rough', 'internal', { subnet: '192.168.170.0/24' });
    const a = await guestOn('Rough A', 'Rough');
    const b = await guestOn('Rough B', 'Rough');
    const rogueMac = randomTestMac();
    const rogue = await h.create({ name: 'Rogue', memoryMiB: 32, osPreset: 'other', nics: [{ model: 'ne2k', mac: rogueMac, network: 'Rough' }] });
    await ipUp(a, '192.168.170.11/24');
    await ipUp(b, '192.168.170.12/24');
    // The rogue NIC is this test: it dials netd as the VM's engine would, then misbehaves.
    const link = await dialNetd(h.service.nets.socketPath, `${rogue.id}/0`, rogueMac);
    const flood = setInterval(() => {
      for (let i = 0; i < 400; i++) link.send(broadcastFrame(rogueMac, 100));
      link.send(new Uint8Array(5)); // shorter than an Ethernet header
      link.send(broadcastFrame(rogueMac, 9000)); // over the MTU
      link.send(broadcastFrame(a.settings.nics[0]!.mac, 100)); // someone else's address
    }, 50);
    try {
      expect(await h.run(a.id, 'ping -c 5 -W 5 192.168.170.12')).toMatch(/5 packets received/);
    } finally {
      clearInterval(flood);
      link.close();
    }
    const info = await h.call<NetworkInfo>('net.get', { name: 'Rough' });
    expect(info.drops).toMatchObject({ malformed: expect.any(Number), oversized: expect.any(Number) });
    expect(info.drops.malformed).toBeGreaterThan(0);
    expect(info.drops.oversized).toBeGreaterThan(0);
    expect(info.drops.flood).toBeGreaterThan(0);
    expect(info.drops.spoofed).toBeGreaterThan(0);
    for (const vm of [a, b]) await h.call('vm.turnOff', { id: vm.id });
  }, 600_000);

  describe.skipIf(passtMissing)('with the host', () => {
    let web: Server;
    let port: number;
    beforeAll(async () => {
      web = createServer((req, res) => res.end(`hello-from-host ${req.url}`));
      await new Promise<void>((r) => web.listen(0, '0.0.0.0', r));
      port = (web.address() as { port: number }).port;
    });
    afterAll(() => web?.close());

    it('host-only: DHCP gives the guest an address, it reaches a host loopback service, the host reaches it through a forward, and netd restarts without losing the lease', async () => {
      const net = await network('HostNet', 'host-only');
      expect(net.settings.dhcp.enabled).toBe(true);
      const vm = await guestOn('Host Only', 'HostNet');
      const dhcp = await h.run(vm.id, 'udhcpc -i eth0 -n -q -t 10 -T 2 2>&1 | grep kaso-dhcp');
      const address = /kaso-dhcp: eth0 (\S+)/.exec(dhcp)?.[1];
      expect(address).toMatch(/^192\.168\.\d+\.1\d\d$/);
      const leases = await h.call<{ mac: string; address: string }[]>('net.leases', { name: 'HostNet' });
      expect(leases).toContainEqual(expect.objectContaining({ mac: vm.settings.nics[0]!.mac, address }));
      expect(await h.run(vm.id, `timeout 10 wget -q -O - http://${net.hostAddress}:${port}/from-guest`)).toContain('hello-from-host /from-guest');
      const outside = externalAddress();
      if (outside) expect(await h.run(vm.id, `timeout 3 wget -q -O - http://${outside}:${port}/ || echo unreachable`)).toContain('unreachable');
      await h.run(vm.id, 'mkdir -p /www && echo guest-service > /www/index.html && (httpd -p 8080 -h /www &)');
      const hostPort = port + 1;
      await h.call('net.update', { name: 'HostNet', settings: { forwards: [{ protocol: 'tcp', hostPort, hostAddress: '127.0.0.1', guestAddress: address, guestPort: 8080 }] } });
      await expect.poll(() => fetchText(`http://127.0.0.1:${hostPort}/`), { timeout: 20_000, interval: 500 }).toContain('guest-service');
      // netd dies: the host starts it again, the guest's link comes back, the lease is still there.
      process.kill(h.service.nets.netd.pid!, 'SIGKILL');
      await expect.poll(() => h.run(vm.id, `ping -c 1 -W 2 ${net.hostAddress}`), { timeout: 30_000, interval: 1000 }).toMatch(/1 packets received/);
      expect(await h.call('net.leases', { name: 'HostNet' })).toContainEqual(expect.objectContaining({ address }));
      await h.call('vm.turnOff', { id: vm.id });
    }, 600_000);

    it('NAT: the guest reaches a web server on the host through NAT and DNS settings come from DHCP', async () => {
      const net = await network('Outside', 'nat');
      const vm = await guestOn('Natted', 'Outside', 'virtio');
      expect(await h.run(vm.id, 'udhcpc -i eth0 -n -q -t 10 -T 2 2>&1 | grep kaso-dhcp')).toMatch(/kaso-dhcp: eth0 10\.0\.\d+\.1\d\d/);
      expect(await h.run(vm.id, 'cat /etc/resolv.conf; ip route')).toMatch(new RegExp(`nameserver ${net.hostAddress.replace(/\./g, '\\.')}[\\s\\S]*default via ${net.hostAddress.replace(/\./g, '\\.')}`));
      const target = externalAddress() ?? net.hostAddress;
      expect(await h.run(vm.id, `timeout 10 wget -q -O - http://${target}:${port}/through-nat`)).toContain('hello-from-host /through-nat');
      await h.call('vm.turnOff', { id: vm.id });
    }, 600_000);
  });
});

/** A raw NIC link to netd, as an engine makes one (stream framing, hello first). */
async function dialNetd(socketPath: string, portId: string, mac: string): Promise<{ send: (f: Uint8Array) => void; close: () => void }> {
  const socket = createConnection(socketPath);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => {});
  const send = (f: Uint8Array) => {
    if (socket.writableLength < 8 * 1024 * 1024) socket.write(encodeFrame(f));
  };
  send(new TextEncoder().encode(JSON.stringify({ portId, mac })));
  return { send, close: () => socket.destroy() };
}

function broadcastFrame(src: string, payload: number): Uint8Array {
  const f = new Uint8Array(14 + payload);
  f.fill(0xff, 0, 6);
  f.set(src.split(':').map((x) => parseInt(x, 16)), 6);
  f[12] = 0x88; // a local experimental EtherType: nobody's protocol
  f[13] = 0xb5;
  return f;
}

function md5Of(output: string): string | undefined {
  return /MD5=([0-9a-f]{32})/.exec(output)?.[1];
}

function randomTestMac(): string {
  return `02:6b:61:${[0, 0, 0].map(() => Math.floor(Math.random() * 256).toString(16).padStart(2, '0')).join(':')}`;
}

/** The host's first address on a real interface (the "outside" a NAT guest reaches), if it has one. */
function externalAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return null;
}

async function fetchText(url: string): Promise<string> {
  try {
    return await (await fetch(url, { signal: AbortSignal.timeout(3000) })).text();
  } catch (e) {
    return `failed: ${(e as Error).message}`;
  }
}

