import { Argument, Command, Option } from 'commander';
import path from 'node:path';
import { NETWORK_KINDS, type NetworkKind, type NetworkResults, type NetworkSettings } from '../../api/networks.js';
import { ApiError, type RequestInput } from '../../api/requests.js';
import { runAction } from '../command-runner.js';
import { HostClient } from '../host/host-client.js';
import {
  cidr,
  collect,
  dhcpRange,
  dnsServers,
  ipv4,
  itemNumber,
  leaseSeconds,
  networkFieldLabel,
  parseForward,
  parseRule,
  relabel,
  wholeNumber,
} from './net-flags.js';
import { leaseLines, listLines, showLines } from './net-format.js';

type NetRequest = keyof NetworkResults;

/** A `net.*` request, its errors in the words of the flags that caused them. */
async function call<N extends NetRequest>(
  client: HostClient,
  name: N,
  input: RequestInput<N>,
  label: (field: string) => string | null = networkFieldLabel,
): Promise<NetworkResults[N]> {
  try {
    return await client.call(name, input);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NOT_FOUND' && !e.field) throw new ApiError(e.code, `${e.message} (see \`kaso net list\`)`);
    return relabel(e, label);
  }
}

export function listCommand(): Command {
  return new Command('list')
    .description('list the virtual networks: a header line, then one network a line, name first')
    .action(
      runAction(async (ctx) => {
        const client = await HostClient.connect();
        const nets = await call(client, 'net.list', {});
        ctx.print(nets, () => listLines(nets));
      }),
    );
}

export function showCommand(): Command {
  return new Command('show')
    .description('show everything about a network: settings, what its kind can do, rules, forwards, NICs, leases, drops')
    .argument('<name>', 'network name')
    .action(
      runAction(async (ctx, name: string) => {
        const client = await HostClient.connect();
        const net = await call(client, 'net.get', { name });
        ctx.print(net, () => showLines(net));
      }),
    );
}

interface CreateOptions {
  kind: NetworkKind;
  dhcp?: string | false;
  subnet?: string;
  mtu?: string;
}

export function createCommand(): Command {
  return new Command('create')
    .description('create a virtual network')
    .argument('<name>', 'the network\'s name')
    .addOption(new Option('--kind <kind>', 'internal (VMs only), host-only (VMs and this computer) or nat (the outside world)').choices(NETWORK_KINDS).makeOptionMandatory())
    .option('--dhcp <first-last|on>', 'hand out addresses from FIRST to LAST (LAST may be just its final number: 192.168.60.100-199); "on": .100 to .199, as host-only and NAT networks get unless told')
    .option('--no-dhcp', 'no DHCP server (the guests need fixed addresses)')
    .option('--subnet <cidr>', 'the IPv4 subnet, e.g. 192.168.60.0/24 (default: the next free one for the kind); the host is its first address')
    .option('--mtu <bytes>', 'the largest frame\'s payload (576-9000; default 1500)')
    .addHelpText('after', '\nExamples:\n  kaso net create Lab --kind internal --dhcp 192.168.131.100-192.168.131.199\n  kaso net create Outside --kind nat')
    .action(
      runAction(async (ctx, name: string, o: CreateOptions) => {
        const settings: RequestInput<'net.create'>['settings'] = { name, kind: o.kind };
        if (o.subnet) settings.subnet = cidr(o.subnet, '--subnet');
        if (o.mtu) settings.mtu = wholeNumber(o.mtu, '--mtu', 576, 9000);
        const range = typeof o.dhcp === 'string' && o.dhcp.toLowerCase() !== 'on' ? dhcpRange(o.dhcp) : null;
        const client = await HostClient.connect();
        if (o.dhcp !== undefined) settings.dhcp = { ...range, enabled: o.dhcp !== false }; // the host fills in the rest
        const net = await call(client, 'net.create', { settings });
        ctx.print(net, () => [`Created ${net.settings.kind} network "${net.settings.name}" on ${net.settings.subnet}`, ...showLines(net).slice(1)]);
      }),
    );
}

interface SetOptions {
  dhcp?: string | false;
  lease?: string;
  gateway?: string;
  dns?: string;
  mtu?: string;
  defaultIn?: 'allow' | 'deny';
  defaultOut?: 'allow' | 'deny';
  addRule: string[];
  ruleAt?: string;
  removeRule: string[];
  addForward: string[];
  removeForward: string[];
  notes?: string;
}

export function setCommand(): Command {
  return new Command('set')
    .description('change a network\'s settings (at once, even while its VMs run)')
    .argument('<name>', 'network name')
    .option('--dhcp <first-last|on>', 'hand out addresses from FIRST to LAST (LAST may be just its final number: 192.168.60.100-199); "on": turn DHCP on with the range it has')
    .option('--no-dhcp', 'turn the DHCP server off')
    .option('--lease <seconds>', 'how long a lease lasts (60 s to 7 days; 3600, 30m, 12h, 1d)')
    .option('--gateway <ip|none>', 'the router DHCP hands out ("none": no way out)')
    .option('--dns <ip,ip|none>', 'the DNS servers DHCP hands out (at most 3)')
    .option('--mtu <bytes>', 'the largest frame\'s payload (576-9000)')
    .addOption(new Option('--default-in <action>', 'what happens to traffic arriving at a VM that no rule names').choices(['allow', 'deny']))
    .addOption(new Option('--default-out <action>', 'what happens to traffic a VM sends that no rule names').choices(['allow', 'deny']))
    .option('--add-rule <rule>', 'add a firewall rule at the end (repeatable): \'deny in tcp 8081 [from CIDR]\'', collect, [])
    .option('--rule-at <n>', 'put the added rules before rule N instead of at the end (the first rule that matches decides)')
    .option('--remove-rule <n>', 'remove rule N, as `kaso net show` numbers them (repeatable)', collect, [])
    .option('--add-forward <forward>', 'forward a host port to a guest (repeatable): tcp:8080:10.0.2.15:80, or tcp:0.0.0.0:8080:10.0.2.15:80 for every host address', collect, [])
    .option('--remove-forward <n>', 'remove forward N, as `kaso net show` numbers them (repeatable)', collect, [])
    .option('--notes <text>', 'notes')
    .addHelpText(
      'after',
      `
A rule reads: allow|deny in|out|both [any|tcp|udp|icmp] [PORT|FIRST-LAST] [from|to ADDRESS|SUBNET] [note TEXT]
("in" is traffic arriving at a VM, "out" traffic a VM sends). Rules are read top to bottom; the first that
matches decides, and the defaults decide the rest. Removals happen first (by the numbers shown before the
change), then additions. Port forwards need a host-only or NAT network.

Examples:
  kaso net set Lab --dhcp 192.168.131.50-192.168.131.99 --lease 12h
  kaso net set Outside --add-rule 'deny in tcp 8081 from 10.0.0.0/8' --rule-at 1
  kaso net set Outside --add-forward tcp:8080:10.0.2.15:80 --remove-forward 1`,
    )
    .action(
      runAction(async (ctx, name: string, o: SetOptions) => {
        const client = await HostClient.connect();
        const current = (await call(client, 'net.get', { name })).settings;
        const { patch, added } = settingsPatch(current, o);
        if (Object.keys(patch).length === 0) throw new ApiError('INVALID_INPUT', 'nothing to change: say what to set (see `kaso net set --help`)');
        // A rule or forward the host refuses is named as the user wrote it when this command added it.
        const label = (field: string) => {
          const [head = '', i] = field.split('.');
          const list = head === 'rules' ? added.rules : head === 'forwards' ? added.forwards : null;
          if (list && i === undefined) return `--add-${head.slice(0, -1)}`;
          const text = list && i !== undefined ? list.get(Number(i)) : undefined;
          return text !== undefined ? `--add-${head.slice(0, -1)} "${text}"` : networkFieldLabel(field);
        };
        const net = await call(client, 'net.update', { name: current.name, settings: patch }, label);
        ctx.print(net, () => [`Updated "${net.settings.name}"`, ...showLines(net).slice(1)]);
      }),
    );
}

/** The settings the flags change, merged over the network's where a flag edits part of a setting. */
function settingsPatch(current: NetworkSettings, o: SetOptions): { patch: RequestInput<'net.update'>['settings']; added: { rules: Map<number, string>; forwards: Map<number, string> } } {
  const patch: RequestInput<'net.update'>['settings'] = {};
  const added = { rules: new Map<number, string>(), forwards: new Map<number, string>() };
  if (o.dhcp !== undefined || o.lease || o.gateway || o.dns !== undefined) {
    const dhcp = { ...current.dhcp };
    if (o.dhcp === false) dhcp.enabled = false;
    else if (o.dhcp?.toLowerCase() === 'on') dhcp.enabled = true;
    else if (o.dhcp) Object.assign(dhcp, dhcpRange(o.dhcp), { enabled: true });
    if (o.lease) dhcp.leaseSeconds = leaseSeconds(o.lease);
    if (o.gateway) dhcp.gateway = o.gateway.toLowerCase() === 'none' ? null : ipv4(o.gateway, '--gateway');
    if (o.dns !== undefined) dhcp.dns = dnsServers(o.dns);
    patch.dhcp = dhcp;
  }
  if (o.mtu) patch.mtu = wholeNumber(o.mtu, '--mtu', 576, 9000);
  if (o.defaultIn) patch.defaultIn = o.defaultIn;
  if (o.defaultOut) patch.defaultOut = o.defaultOut;
  if (o.notes !== undefined) patch.notes = o.notes;
  if (o.removeRule.length || o.addRule.length) {
    const gone = new Set(o.removeRule.map((n) => itemNumber(n, current.rules.length, 'rule', '--remove-rule')));
    const kept = current.rules.filter((_, i) => !gone.has(i));
    const rules = o.addRule.map(parseRule);
    const at = o.ruleAt === undefined ? kept.length : itemNumber(o.ruleAt, kept.length + 1, 'rule', '--rule-at');
    patch.rules = [...kept.slice(0, at), ...rules, ...kept.slice(at)];
    o.addRule.forEach((text, i) => added.rules.set(at + i, text));
  } else if (o.ruleAt !== undefined) throw new ApiError('INVALID_INPUT', '--rule-at: it places rules that --add-rule adds; none was given');
  if (o.removeForward.length || o.addForward.length) {
    const gone = new Set(o.removeForward.map((n) => itemNumber(n, current.forwards.length, 'forward', '--remove-forward')));
    const kept = current.forwards.filter((_, i) => !gone.has(i));
    patch.forwards = [...kept, ...o.addForward.map(parseForward)];
    o.addForward.forEach((text, i) => added.forwards.set(kept.length + i, text));
  }
  return { patch, added };
}

export function deleteCommand(): Command {
  return new Command('delete')
    .description('delete a network; the NICs on it stay in their VMs, not connected')
    .argument('<name>', 'network name')
    .action(
      runAction(async (ctx, name: string) => {
        const client = await HostClient.connect();
        const r = await call(client, 'net.delete', { name });
        ctx.print(r, () => [
          `Deleted network "${r.name}".`,
          ...(r.disconnected.length ? [`Disconnected the NICs of: ${r.disconnected.join(', ')} (they stay in the VMs, not connected)`] : []),
        ]);
      }),
    );
}

export function leasesCommand(): Command {
  return new Command('leases')
    .description('list the addresses the network\'s DHCP server has handed out')
    .argument('<name>', 'network name')
    .action(
      runAction(async (ctx, name: string) => {
        const client = await HostClient.connect();
        const leases = await call(client, 'net.leases', { name });
        ctx.print(leases, () => leaseLines(leases));
      }),
    );
}

export function captureCommand(): Command {
  return new Command('capture')
    .description('write every frame on a network to a .pcap file (Wireshark opens it), or stop')
    .argument('<name>', 'network name')
    .addArgument(new Argument('<action>', 'start or stop').choices(['start', 'stop']))
    .argument('[file]', 'the .pcap file to write (start; default: a new file in the Networks/Captures folder)')
    .action(
      runAction(async (ctx, name: string, action: 'start' | 'stop', file: string | undefined) => {
        if (action === 'stop' && file) throw new ApiError('INVALID_INPUT', 'FILE: only `start` takes a file');
        const client = await HostClient.connect();
        if (action === 'start') {
          const net = await call(client, 'net.capture', { name, on: true, ...(file ? { file: path.resolve(file) } : {}) });
          ctx.print(net, () => [
            `Capturing every frame on "${net.settings.name}" to ${net.capture ?? path.resolve(file ?? '')}`,
            `Stop with: kaso net capture "${net.settings.name}" stop   (then open the file in Wireshark)`,
          ]);
          return;
        }
        const before = await call(client, 'net.get', { name });
        const net = await call(client, 'net.capture', { name, on: false });
        ctx.print({ ...net, captured: before.capture }, () =>
          before.capture
            ? [`Stopped capturing on "${net.settings.name}".`, `The frames are in ${before.capture} (Wireshark opens it).`]
            : [`No capture was running on "${net.settings.name}".`],
        );
      }),
    );
}
