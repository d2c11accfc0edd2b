import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NetworkInfo, Nic } from '../../main/api/networks.js';
import { kaso, kasoBin } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * `kaso net` and `kaso vm nic` as a user runs them: the real binary, a KASO_HOME of its own (the first
 * command starts a background host there; the last stops it). No guest boots: the VMs stay off.
 */
const home = tempDir('cli-net');
const run = (...args: string[]) => kaso(args, { KASO_HOME: home });
const json = <T>(...args: string[]): T => {
  const r = run(...args, '--json');
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
};
const ok = (...args: string[]) => {
  const r = run(...args);
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
};
/** A refusal: the exit code, one line naming what is wrong, nothing on stdout. Refusals change nothing, so they may run side by side. */
const refused = async (code: number, message: RegExp, ...args: string[]) => {
  const child = spawn(process.execPath, [kasoBin, ...args], { env: { ...process.env, KASO_HOME: home } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(status, `${args.join(' ')}: ${stdout}${stderr}`).toBe(code);
  expect(stderr).toMatch(message);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stdout).toBe('');
};

describe('kaso net and kaso vm nic (the command line)', () => {
  afterAll(() => {
    run('host', 'stop');
    const hostFile = path.join(home, 'host.json');
    if (!existsSync(hostFile)) return;
    const { pid } = JSON.parse(readFileSync(hostFile, 'utf8')) as { pid: number };
    try {
      process.kill(pid, 'SIGKILL'); // it did not stop when asked: it must not outlive the test
    } catch {
      // already gone
    }
  });

  it('creates a network of each kind, and lists and shows them', () => {
    expect(ok('net', 'list')).toMatch(/No virtual networks/);
    expect(ok('net', 'create', 'Lab', '--kind', 'internal', '--dhcp', '192.168.131.100-192.168.131.150')).toMatch(/Created internal network "Lab" on 192\.168\.131\.0\/24/);
    ok('net', 'create', 'HostNet', '--kind', 'host-only', '--subnet', '192.168.77.0/24', '--no-dhcp', '--mtu', '1400');
    const nat = json<NetworkInfo>('net', 'create', 'Outside', '--kind', 'nat');
    expect(nat.settings).toMatchObject({ kind: 'nat', subnet: '10.0.2.0/24', dhcp: { enabled: true, gateway: '10.0.2.1' }, defaultIn: 'deny' });

    const list = json<NetworkInfo[]>('net', 'list');
    expect(list.map((n) => [n.settings.name, n.settings.kind, n.settings.subnet, n.settings.dhcp.enabled, n.settings.mtu])).toEqual([
      ['HostNet', 'host-only', '192.168.77.0/24', false, 1400],
      ['Lab', 'internal', '192.168.131.0/24', true, 1500],
      ['Outside', 'nat', '10.0.2.0/24', true, 1500],
    ]);
    const table = ok('net', 'list').split('\n');
    expect(table[0]).toMatch(/^NAME\s+KIND\s+SUBNET\s+HOST\s+DHCP\s+NICS\s+PROBLEM$/);
    expect(table[1]).toMatch(/^HostNet\s+host-only\s+192\.168\.77\.0\/24\s+192\.168\.77\.1\s+off\s+0/);
    expect(table[2]).toMatch(/^Lab\s+internal\s+192\.168\.131\.0\/24\s+-\s+on 192\.168\.131\.100-192\.168\.131\.150\s+0/);

    const show = ok('net', 'show', 'outside'); // names are not case-sensitive
    expect(show).toMatch(/Name:\s+Outside/);
    expect(show).toMatch(/Kind:\s+NAT \(the outside world\)\n\s+can:\s+VMs reach each other and the outside world/);
    expect(show).toMatch(/cannot: Not reachable from outside except through port forwards/);
    expect(show).toMatch(/Host address:\s+10\.0\.2\.1/);
    expect(show).toMatch(/DHCP:\s+on, 10\.0\.2\.100 to 10\.0\.2\.199, leases of 1 d\n\s+gateway 10\.0\.2\.1, DNS 10\.0\.2\.1/);
    expect(show).toMatch(/Rules:[^\n]*\n {2}1\. allow in any from 10\.0\.2\.0\/24 {2}\(VMs on this network reach each other\)/);
    expect(show).toMatch(/Port forwards: none/);
    expect(show).toMatch(/Dropped:\s+malformed 0, oversized 0, firewall 0/);
    expect(ok('net', 'show', 'Lab')).toMatch(/Host address:\s+none/);
  });

  it('sets DHCP, rules and forwards in one change', () => {
    const net = json<NetworkInfo>(
      'net', 'set', 'Outside',
      '--dhcp', '10.0.2.50-99', '--lease', '12h', '--dns', '1.1.1.1,9.9.9.9', '--mtu', '1400', '--default-out', 'deny',
      '--add-rule', 'deny in tcp 8081 from 10.0.0.0/8', '--rule-at', '1',
      '--add-rule', 'allow out udp 53 note DNS',
      '--add-forward', 'tcp:8080:10.0.2.15:80', '--add-forward', 'udp:0.0.0.0:5353:10.0.2.16:53',
    );
    expect(net.settings).toMatchObject({
      mtu: 1400,
      defaultOut: 'deny',
      dhcp: { enabled: true, first: '10.0.2.50', last: '10.0.2.99', leaseSeconds: 43200, gateway: '10.0.2.1', dns: ['1.1.1.1', '9.9.9.9'] },
      forwards: [
        { protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: 8080, guestAddress: '10.0.2.15', guestPort: 80 },
        { protocol: 'udp', hostAddress: '0.0.0.0', hostPort: 5353, guestAddress: '10.0.2.16', guestPort: 53 },
      ],
    });
    expect(net.settings.rules.map((r) => [r.action, r.direction, r.protocol, r.ports, r.peer, r.note])).toEqual([
      ['deny', 'in', 'tcp', { from: 8081, to: 8081 }, '10.0.0.0/8', ''],
      ['allow', 'out', 'udp', { from: 53, to: 53 }, null, 'DNS'],
      ['allow', 'in', 'any', null, '10.0.2.0/24', 'VMs on this network reach each other'],
    ]);
    const show = ok('net', 'show', 'Outside');
    expect(show).toMatch(/ {2}1\. deny in tcp 8081 from 10\.0\.0\.0\/8\n {2}2\. allow out udp 53 {2}\(DNS\)\n {2}3\. allow in any/);
    expect(show).toMatch(/ {2}1\. tcp 127\.0\.0\.1:8080 -> 10\.0\.2\.15:80\n {2}2\. udp 0\.0\.0\.0:5353 -> 10\.0\.2\.16:53/);

    const after = json<NetworkInfo>('net', 'set', 'Outside', '--remove-rule', '2', '--remove-forward', '1', '--gateway', 'none', '--no-dhcp');
    expect(after.settings.rules.map((r) => r.action + r.direction)).toEqual(['denyin', 'allowin']);
    expect(after.settings.forwards.map((f) => f.hostPort)).toEqual([5353]);
    expect(after.settings.dhcp).toMatchObject({ enabled: false, gateway: null, first: '10.0.2.50' });
    expect(json<NetworkInfo>('net', 'set', 'Outside', '--dhcp', 'on').settings.dhcp).toMatchObject({ enabled: true, first: '10.0.2.50' });
  });

  it('refuses bad input with one clear line and a non-zero exit, changing nothing', async () => {
    const before = json<NetworkInfo[]>('net', 'list');
    await Promise.all([
      refused(2, /^kaso: --subnet: "10\.0\.0\.0\/33" is not a subnet/, 'net', 'create', 'Bad', '--kind', 'nat', '--subnet', '10.0.0.0/33'),
      refused(2, /^kaso: --subnet: a subnet is named by its first address: 10\.5\.0\.0\/24/, 'net', 'create', 'Bad', '--kind', 'nat', '--subnet', '10.5.0.7/24'),
      refused(2, /^kaso: --dhcp: 10\.7\.1\.5 is not in 10\.7\.0\.0\/24/, 'net', 'create', 'Bad', '--kind', 'nat', '--subnet', '10.7.0.0/24', '--dhcp', '10.7.1.5-10.7.1.9'),
      refused(2, /^kaso: --dhcp: 192\.168\.78\.250 is not in 192\.168\.77\.0\/24/, 'net', 'set', 'HostNet', '--dhcp', '192.168.77.100-192.168.78.250'),
      refused(2, /^kaso: --dhcp: the range holds the host's own address 192\.168\.131\.1/, 'net', 'set', 'Lab', '--dhcp', '192.168.131.1-20'),
      refused(1, /^kaso: a virtual network named "lab" already exists/i, 'net', 'create', 'lab', '--kind', 'nat'),
      refused(2, /^kaso: there is no virtual network named "Nope" \(see `kaso net list`\)/, 'net', 'show', 'Nope'),
      refused(2, /^kaso: there is no virtual network named "Nope"/, 'net', 'set', 'Nope', '--mtu', '1400'),
      refused(2, /^kaso: --add-rule "deny sideways": the second word is in, out or both/, 'net', 'set', 'Outside', '--add-rule', 'deny sideways'),
      refused(2, /^kaso: --add-forward "tcp:8080:10\.9\.2\.15:80": 10\.9\.2\.15 is not in 10\.0\.2\.0\/24/, 'net', 'set', 'Outside', '--add-forward', 'tcp:8080:10.9.2.15:80'),
      refused(2, /^kaso: --add-forward: an internal network has no host side/, 'net', 'set', 'Lab', '--add-forward', 'tcp:8080:192.168.131.5:80'),
      refused(2, /^kaso: --remove-rule: there is no rule 7 \(there are 2 rules\)/, 'net', 'set', 'Outside', '--remove-rule', '7'),
      refused(2, /^kaso: --mtu: "100" is not a whole number from 576 to 9000/, 'net', 'set', 'Lab', '--mtu', '100'),
    ]);
    expect(run('net', 'create', 'Bad', '--kind', 'weird').status).toBe(2);
    expect(json<NetworkInfo[]>('net', 'list')).toEqual(before);
  });

  it('puts NICs on two VMs, shows them on the network and in the VM, and refuses a 5th NIC and a MAC in use', async () => {
    ok('vm', 'create', 'Alpha', '--engine', 'qemu'); // four NICs: the embedded engine has three
    ok('vm', 'create', 'Beta');
    expect(ok('vm', 'nic', 'Alpha', 'add', '--network', 'lab')).toMatch(/^Added NIC 1 to "Alpha": ne2k 02:6b:61(:[0-9a-f]{2}){3} on Lab\n$/);
    const beta = json<Nic>('vm', 'nic', 'Beta', 'add', '--network', 'Lab', '--mac', '02-6B-61-AA-BB-CC', '--model', 'virtio');
    expect(beta).toEqual({ model: 'virtio', mac: '02:6b:61:aa:bb:cc', network: 'Lab' });
    ok('vm', 'nic', 'Alpha', 'add');
    ok('vm', 'nic', 'Alpha', 'add', '--network', 'HostNet');
    ok('vm', 'nic', 'Alpha', 'add');
    expect(ok('vm', 'nic', 'Alpha', 'set', '2', '--network', 'Outside')).toMatch(/^NIC 2 of "Alpha": ne2k \S+ on Outside/);

    const alpha = json<Nic[]>('vm', 'nic', 'Alpha', 'list');
    expect(alpha.map((n) => n.network)).toEqual(['Lab', 'Outside', 'HostNet', null]);
    expect(new Set(alpha.map((n) => n.mac)).size).toBe(4);
    await Promise.all([
      refused(2, /^kaso: "Alpha" already has 4 NICs, the most a VM can have/, 'vm', 'nic', 'Alpha', 'add'),
      refused(2, /^kaso: --mac: 02:6b:61:aa:bb:cc is already the address of a NIC of "Beta"/, 'vm', 'nic', 'Alpha', 'set', '4', '--mac', '02:6b:61:aa:bb:cc'),
      refused(2, /^kaso: --network: there is no virtual network named "Nope"/, 'vm', 'nic', 'Beta', 'add', '--network', 'Nope'),
      refused(2, /^kaso: NIC 1: the embedded engine has virtio-net for a single adapter only/, 'vm', 'nic', 'Beta', 'add'),
      refused(2, /^kaso: --mac: "03:00:00:00:00:01": a NIC needs a unicast MAC address/, 'vm', 'nic', 'Beta', 'add', '--mac', '03:00:00:00:00:01'),
      refused(2, /^kaso: set: there is no NIC 5 \(there are 4 NICs\)/, 'vm', 'nic', 'Alpha', 'set', '5', '--network', 'Lab'),
      refused(2, /^kaso: no virtual machine named "Gamma"/, 'vm', 'nic', 'Gamma', 'list'),
    ]);
    expect(json<Nic[]>('vm', 'nic', 'Alpha', 'list')).toEqual(alpha);
    expect(json<Nic[]>('vm', 'nic', 'Beta', 'list')).toEqual([beta]);

    const lab = json<NetworkInfo>('net', 'show', 'Lab');
    expect(lab.ports.map((p) => [p.vmName, p.index, p.mac, p.linked])).toEqual([
      ['Alpha', 0, alpha[0]!.mac, false],
      ['Beta', 0, '02:6b:61:aa:bb:cc', false],
    ]);
    const text = ok('net', 'show', 'Lab');
    expect(text).toMatch(/NICs:\n\s+VM\s+NIC\s+MAC\s+LINK\s+ADDRESSES\s+RECEIVED\s+SENT\s+DROPPED\n\s+Alpha\s+1\s+\S+\s+down\s+-\s+0 \(0 B\)/);
    expect(text).toMatch(/\n\s+Beta\s+1\s+02:6b:61:aa:bb:cc\s+down/);
    expect(ok('net', 'list')).toMatch(/\nLab\s+internal\s+\S+\s+-\s+on \S+\s+2/);
    expect(ok('vm', 'show', 'Alpha')).toMatch(new RegExp(`NIC 1:\\s+ne2k ${alpha[0]!.mac} on Lab\\nNIC 2:\\s+ne2k \\S+ on Outside\\nNIC 3:\\s+ne2k \\S+ on HostNet\\nNIC 4:\\s+ne2k \\S+ not connected`));

    expect(ok('vm', 'nic', 'Alpha', 'remove', '3')).toMatch(/Removed NIC 3 \(ne2k \S+ on HostNet\) from "Alpha"/);
    expect(json<Nic[]>('vm', 'nic', 'Alpha', 'list').map((n) => n.network)).toEqual(['Lab', 'Outside', null]);
  });

  it('captures a network to a .pcap file', async () => {
    const file = path.join(home, 'lab.pcap');
    expect(ok('net', 'capture', 'Lab', 'start', file)).toMatch(/Capturing every frame on "Lab" to .*lab\.pcap/);
    expect(json<NetworkInfo>('net', 'show', 'Lab').capture).toBe(file);
    expect(ok('net', 'capture', 'Lab', 'stop')).toMatch(/The frames are in .*lab\.pcap \(Wireshark opens it\)/);
    expect(readFileSync(file).readUInt32LE(0)).toBe(0xa1b2c3d4); // the pcap magic number
    await refused(2, /^kaso: FILE: the folder .*nowhere does not exist/, 'net', 'capture', 'Lab', 'start', path.join(home, 'nowhere', 'x.pcap'));
  });

  it('deletes a network: the VMs keep their NICs, not connected', async () => {
    const out = ok('net', 'delete', 'Lab');
    expect(out).toMatch(/Deleted network "Lab"\.\nDisconnected the NICs of: Alpha, Beta/);
    expect(json<Nic[]>('vm', 'nic', 'Beta', 'list')).toEqual([{ model: 'virtio', mac: '02:6b:61:aa:bb:cc', network: null }]);
    expect(ok('vm', 'nic', 'Alpha', 'list')).toMatch(/\n1\s+ne2k\s+\S+\s+not connected\n2\s+ne2k\s+\S+\s+Outside/);
    expect(ok('vm', 'show', 'Beta')).toMatch(/NIC 1:\s+virtio 02:6b:61:aa:bb:cc not connected/);
    expect(json<NetworkInfo[]>('net', 'list').map((n) => n.settings.name)).toEqual(['HostNet', 'Outside']);
    await refused(2, /there is no virtual network named "Lab"/, 'net', 'delete', 'Lab');
  });

  it('documents the commands and their exit codes in --help', () => {
    const help = ok('net', 'set', '--help');
    expect(help).toMatch(/--add-rule <rule>[\s\S]*A rule reads: allow\|deny in\|out\|both[\s\S]*Exit codes:[\s\S]*2\s+the arguments are invalid/);
    expect(ok('vm', 'nic', '--help')).toMatch(/Usage: kaso vm nic <vm> list \| add[\s\S]*Exit codes:/);
  });
});
