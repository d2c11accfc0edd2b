import { ApiError } from '../../api/requests.js';
import type { NetworkSettings } from '../../api/networks.js';
import { broadcastOf, hostAddressOf, inSubnet, intToIp, ipToInt, parseCidr } from '../../net/ipv4.js';

/** The rules that tie a network's settings together, beyond each field's own; a breach names the field. */
export function checkNetwork(s: NetworkSettings): void {
  const subnet = parseCidr(s.subnet);
  const inside = (ip: string) => inSubnet(ipToInt(ip), subnet);
  const host = hostAddressOf(s.subnet);
  const fail = (field: string, message: string) => {
    throw new ApiError('INVALID_INPUT', `${field}: ${message}`, field);
  };
  const base = `${intToIp(subnet.base)}/${subnet.bits}`;
  if (s.subnet !== base) fail('subnet', `a subnet is named by its first address: ${base}`);
  const d = s.dhcp;
  if (!inside(d.first)) fail('dhcp.first', `${d.first} is not in ${s.subnet}`);
  if (!inside(d.last)) fail('dhcp.last', `${d.last} is not in ${s.subnet}`);
  if (ipToInt(d.first) > ipToInt(d.last)) fail('dhcp.last', 'the range ends before it starts');
  if (ipToInt(d.first) === subnet.base) fail('dhcp.first', `${d.first} is the subnet's own address, which no host can have`);
  if (ipToInt(d.last) === broadcastOf(subnet)) fail('dhcp.last', `${d.last} is the subnet's broadcast address, which no host can have`);
  if (ipToInt(d.first) <= ipToInt(host) && ipToInt(host) <= ipToInt(d.last)) fail('dhcp.first', `the range holds the host's own address ${host}`);
  if (d.gateway && !inside(d.gateway)) fail('dhcp.gateway', `${d.gateway} is not in ${s.subnet}`);
  if (s.forwards.length && s.kind === 'internal') fail('forwards', 'an internal network has no host side to forward from: use host-only or NAT');
  const seen = new Set<string>();
  s.forwards.forEach((f, i) => {
    if (!inside(f.guestAddress)) fail(`forwards.${i}.guestAddress`, `${f.guestAddress} is not in ${s.subnet}`);
    const key = `${f.protocol}/${f.hostAddress}:${f.hostPort}`;
    if (seen.has(key)) fail(`forwards.${i}.hostPort`, `${f.protocol.toUpperCase()} port ${f.hostPort} is forwarded twice`);
    seen.add(key);
  });
}
