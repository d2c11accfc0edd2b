/** IPv4 addresses as numbers: parsing, printing and subnet arithmetic for the switch, DHCP and the firewall. */

export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Subnet {
  base: number;
  bits: number;
  mask: number;
}

export function parseCidr(cidr: string): Subnet {
  const [addr, bitsText] = cidr.split('/');
  const bits = Number(bitsText ?? 32);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (ipToInt(addr!) & mask) >>> 0, bits, mask };
}

export function inSubnet(ip: number, s: Subnet): boolean {
  return ((ip & s.mask) >>> 0) === s.base;
}

export function broadcastOf(s: Subnet): number {
  return (s.base | (~s.mask >>> 0)) >>> 0;
}

/** The host's address on a network: the subnet's first address, as VirtualBox and Virtual Server did. */
export function hostAddressOf(cidr: string): string {
  return intToIp(parseCidr(cidr).base + 1);
}

export function maskText(bits: number): string {
  return intToIp(bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);
}

/** An address or a CIDR as a subnet (an address is a /32). */
export function peerSubnet(peer: string): Subnet {
  return parseCidr(peer.includes('/') ? peer : `${peer}/32`);
}
