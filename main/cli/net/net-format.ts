import { NETWORK_KIND_TEXT, type Lease, type NetworkInfo, type Nic } from '../../api/networks.js';
import { formatBytes, formatDuration } from '../../api/units.js';
import { formatForward, formatRule } from './net-flags.js';

/** Columns padded to their widest cell; the last column is not padded (it may be long). */
export function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

/** "ne2k 02:6b:61:aa:bb:cc on LabNet", or "... not connected": a NIC at a glance. */
export function nicText(n: Nic): string {
  return `${n.model} ${n.mac} ${n.network === null ? 'not connected' : `on ${n.network}`}`;
}

/** The lines `kaso vm show` prints for a VM's NICs: "NIC 1:         ne2k 02:6b:61:aa:bb:cc on LabNet". */
export function nicDetailLines(nics: readonly Nic[]): string[] {
  if (nics.length === 0) return [`${'NICs:'.padEnd(15)}none`];
  return nics.map((n, i) => `${`NIC ${i + 1}:`.padEnd(15)}${nicText(n)}`);
}

export function dhcpText(n: NetworkInfo): string {
  const d = n.settings.dhcp;
  return d.enabled ? `on ${d.first}-${d.last}` : 'off';
}

/** The host is on host-only and NAT networks only. */
export function hostAddressText(n: NetworkInfo): string {
  return n.settings.kind === 'internal' ? '-' : n.hostAddress;
}

export function listLines(nets: NetworkInfo[]): string[] {
  if (nets.length === 0) return ['No virtual networks. Create one: kaso net create NAME --kind internal|host-only|nat'];
  return table(
    ['NAME', 'KIND', 'SUBNET', 'HOST', 'DHCP', 'NICS', 'PROBLEM'],
    nets.map((n) => [n.settings.name, n.settings.kind, n.settings.subnet, hostAddressText(n), dhcpText(n), String(n.ports.length), n.problem ?? '']),
  );
}

export function leaseLines(leases: Lease[], now = Date.now()): string[] {
  if (leases.length === 0) return ['No leases.'];
  return table(
    ['MAC', 'ADDRESS', 'HOSTNAME', 'EXPIRES'],
    leases.map((l) => [l.mac, l.address, l.hostname ?? '-', expires(l.expires, now)]),
  );
}

function expires(iso: string, now: number): string {
  const left = (Date.parse(iso) - now) / 1000;
  const when = iso.slice(0, 19).replace('T', ' ');
  return left > 0 ? `${when} (in ${formatDuration(left)})` : `${when} (expired)`;
}

const label = (s: string) => `${s}:`.padEnd(15);

/** Everything about a network: settings, what its kind can do, rules, forwards, NICs, leases, drops. */
export function showLines(n: NetworkInfo, now = Date.now()): string[] {
  const s = n.settings;
  const kind = NETWORK_KIND_TEXT[s.kind];
  const d = s.dhcp;
  const lines = [
    `${label('Name')}${s.name}`,
    `${label('Kind')}${kind.label}`,
    `${' '.repeat(15)}can:    ${kind.can}`,
    `${' '.repeat(15)}cannot: ${kind.cannot}`,
    `${label('Subnet')}${s.subnet}`,
    `${label('Host address')}${s.kind === 'internal' ? 'none (the host is not on an internal network)' : `${n.hostAddress} (the guests' gateway to this computer)`}`,
    `${label('MTU')}${s.mtu}`,
    `${label('DHCP')}${d.enabled ? `on, ${d.first} to ${d.last}, leases of ${formatDuration(d.leaseSeconds)}` : 'off'}`,
  ];
  if (d.enabled) lines.push(`${' '.repeat(15)}gateway ${d.gateway ?? 'none'}, DNS ${d.dns.length ? d.dns.join(', ') : 'none'}`);
  lines.push(`${label('Firewall')}in: ${s.defaultIn} unless a rule says otherwise; out: ${s.defaultOut} unless a rule says otherwise`);
  lines.push(`${label('Rules')}${s.rules.length ? '(first match wins)' : 'none'}`);
  s.rules.forEach((r, i) => lines.push(`  ${i + 1}. ${formatRule(r)}${r.note ? `  (${r.note})` : ''}`));
  lines.push(`${label('Port forwards')}${s.forwards.length ? '' : 'none'}`.trimEnd());
  s.forwards.forEach((f, i) => lines.push(`  ${i + 1}. ${formatForward(f)}`));
  lines.push(`${label('NICs')}${n.ports.length ? '' : 'none connected'}`.trimEnd());
  if (n.ports.length)
    lines.push(
      ...table(
        ['VM', 'NIC', 'MAC', 'LINK', 'ADDRESSES', 'RECEIVED', 'SENT', 'DROPPED'],
        n.ports.map((p) => [
          p.vmName,
          String(p.index + 1),
          p.mac,
          p.linked ? 'up' : 'down',
          p.addresses.join(',') || '-',
          `${p.rxFrames} (${formatBytes(p.rxBytes)})`,
          `${p.txFrames} (${formatBytes(p.txBytes)})`,
          String(p.dropped),
        ]),
      ).map((l) => `  ${l}`),
    );
  lines.push(`${label('Leases')}${n.leases.length ? '' : 'none'}`.trimEnd());
  if (n.leases.length) lines.push(...leaseLines(n.leases, now).map((l) => `  ${l}`));
  const dr = n.drops;
  lines.push(
    `${label('Dropped')}malformed ${dr.malformed}, oversized ${dr.oversized}, firewall ${dr.firewall}, flood ${dr.flood}, spoofed ${dr.spoofed}, no route ${dr.noRoute}`,
    `${label('Capture')}${n.capture ? `writing ${n.capture}` : 'off'}`,
  );
  if (n.problem) lines.push(`${label('Problem')}${n.problem}`);
  lines.push(`${label('File')}${n.file}`);
  if (s.notes) lines.push(`${label('Notes')}${s.notes}`);
  return lines;
}
