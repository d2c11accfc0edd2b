/**
 * Ethernet frames as the switch reads and writes them: the MAC header, and inside it ARP and IPv4 with the
 * TCP, UDP and ICMP headers the firewall, DHCP and the gateway look at. Everything reads from a Uint8Array
 * without copying and returns null for what does not parse: a malformed frame is counted, never thrown.
 */

export const ETH_HEADER = 14;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

export function macToBytes(mac: string): Uint8Array {
  return Uint8Array.from(mac.split(':').map((h) => parseInt(h, 16)));
}

export function macAt(f: Uint8Array, offset: number): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += (i ? ':' : '') + f[offset + i]!.toString(16).padStart(2, '0');
  return s;
}

/** Group addresses (broadcast and multicast) have the low bit of the first octet set. */
export function isGroupMac(f: Uint8Array, offset: number): boolean {
  return (f[offset]! & 1) === 1;
}

export const be16 = (f: Uint8Array, o: number): number => (f[o]! << 8) | f[o + 1]!;
export const be32 = (f: Uint8Array, o: number): number => ((f[o]! << 24) | (f[o + 1]! << 16) | (f[o + 2]! << 8) | f[o + 3]!) >>> 0;

export function put16(f: Uint8Array, o: number, v: number): void {
  f[o] = (v >>> 8) & 255;
  f[o + 1] = v & 255;
}

export function put32(f: Uint8Array, o: number, v: number): void {
  put16(f, o, v >>> 16);
  put16(f, o + 2, v & 0xffff);
}

export function etherType(f: Uint8Array): number {
  return be16(f, 12);
}

export interface Ipv4View {
  /** Offset of the IPv4 header in the frame. */
  at: number;
  headerLength: number;
  totalLength: number;
  protocol: number;
  src: number;
  dst: number;
  /** A fragment other than the first carries no transport header. */
  laterFragment: boolean;
  /** Offset of the transport header (TCP/UDP/ICMP). */
  payload: number;
}

export function parseIpv4(f: Uint8Array): Ipv4View | null {
  if (f.length < ETH_HEADER + 20 || etherType(f) !== ETHERTYPE_IPV4) return null;
  const at = ETH_HEADER;
  if (f[at]! >> 4 !== 4) return null;
  const headerLength = (f[at]! & 15) * 4;
  const totalLength = be16(f, at + 2);
  if (headerLength < 20 || totalLength < headerLength || at + totalLength > f.length) return null;
  return {
    at,
    headerLength,
    totalLength,
    protocol: f[at + 9]!,
    src: be32(f, at + 12),
    dst: be32(f, at + 16),
    laterFragment: (be16(f, at + 6) & 0x1fff) !== 0,
    payload: at + headerLength,
  };
}

/** Source and destination ports (TCP, UDP), the TCP flags, or the ICMP type. */
export interface TransportView {
  srcPort: number;
  dstPort: number;
  /** TCP flags (SYN 0x02, ACK 0x10, FIN 0x01, RST 0x04); 0 for others. */
  tcpFlags: number;
  /** ICMP type; -1 for others. */
  icmpType: number;
}

export function parseTransport(f: Uint8Array, ip: Ipv4View): TransportView | null {
  const end = ip.at + ip.totalLength;
  if (ip.laterFragment) return { srcPort: 0, dstPort: 0, tcpFlags: 0, icmpType: -1 };
  if (ip.protocol === PROTO_TCP && ip.payload + 20 <= end)
    return { srcPort: be16(f, ip.payload), dstPort: be16(f, ip.payload + 2), tcpFlags: f[ip.payload + 13]!, icmpType: -1 };
  if (ip.protocol === PROTO_UDP && ip.payload + 8 <= end) return { srcPort: be16(f, ip.payload), dstPort: be16(f, ip.payload + 2), tcpFlags: 0, icmpType: -1 };
  if (ip.protocol === PROTO_ICMP && ip.payload + 8 <= end) return { srcPort: 0, dstPort: 0, tcpFlags: 0, icmpType: f[ip.payload]! };
  if (ip.protocol === PROTO_TCP || ip.protocol === PROTO_UDP || ip.protocol === PROTO_ICMP) return null;
  return { srcPort: 0, dstPort: 0, tcpFlags: 0, icmpType: -1 };
}

export interface ArpView {
  op: number;
  senderMac: string;
  senderIp: number;
  targetIp: number;
}

export function parseArp(f: Uint8Array): ArpView | null {
  if (f.length < ETH_HEADER + 28 || etherType(f) !== ETHERTYPE_ARP) return null;
  const a = ETH_HEADER;
  if (be16(f, a) !== 1 || be16(f, a + 2) !== ETHERTYPE_IPV4 || f[a + 4] !== 6 || f[a + 5] !== 4) return null;
  return { op: be16(f, a + 6), senderMac: macAt(f, a + 8), senderIp: be32(f, a + 14), targetIp: be32(f, a + 24) };
}

/** The Internet checksum (RFC 1071) of `f[start, end)`, plus an initial sum (a pseudo-header's). */
export function checksum(f: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i + 1 < end; i += 2) sum += (f[i]! << 8) | f[i + 1]!;
  if ((end - start) & 1) sum += f[end - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function ethernet(dst: string, src: string, type: number, payloadLength: number): Uint8Array {
  const f = new Uint8Array(ETH_HEADER + payloadLength);
  f.set(macToBytes(dst), 0);
  f.set(macToBytes(src), 6);
  put16(f, 12, type);
  return f;
}

export function arpReply(request: ArpView, myMac: string, myIp: number): Uint8Array {
  const f = ethernet(request.senderMac, myMac, ETHERTYPE_ARP, 28);
  const a = ETH_HEADER;
  put16(f, a, 1);
  put16(f, a + 2, ETHERTYPE_IPV4);
  f[a + 4] = 6;
  f[a + 5] = 4;
  put16(f, a + 6, 2);
  f.set(macToBytes(myMac), a + 8);
  put32(f, a + 14, myIp);
  f.set(macToBytes(request.senderMac), a + 18);
  put32(f, a + 24, request.senderIp);
  return f;
}

/** An IPv4 packet in a frame, header checksum filled; the caller writes the payload at `.payload`. */
export function ipv4Frame(dstMac: string, srcMac: string, src: number, dst: number, protocol: number, payloadLength: number): { frame: Uint8Array; payload: number } {
  const f = ethernet(dstMac, srcMac, ETHERTYPE_IPV4, 20 + payloadLength);
  const a = ETH_HEADER;
  f[a] = 0x45;
  put16(f, a + 2, 20 + payloadLength);
  f[a + 8] = 64;
  f[a + 9] = protocol;
  put32(f, a + 12, src);
  put32(f, a + 16, dst);
  put16(f, a + 10, checksum(f, a, a + 20));
  return { frame: f, payload: a + 20 };
}

/** A UDP datagram with its checksum (pseudo-header included). */
export function udpFrame(dstMac: string, srcMac: string, src: number, dst: number, srcPort: number, dstPort: number, data: Uint8Array): Uint8Array {
  const { frame, payload } = ipv4Frame(dstMac, srcMac, src, dst, PROTO_UDP, 8 + data.length);
  put16(frame, payload, srcPort);
  put16(frame, payload + 2, dstPort);
  put16(frame, payload + 4, 8 + data.length);
  frame.set(data, payload + 8);
  const pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + PROTO_UDP + 8 + data.length;
  put16(frame, payload + 6, checksum(frame, payload, payload + 8 + data.length, pseudo) || 0xffff);
  return frame;
}

/** The answer to an ICMP echo request addressed to the switch's own node (the gateway). */
export function icmpEchoReply(request: Uint8Array, ip: Ipv4View, myMac: string): Uint8Array {
  const data = request.subarray(ip.payload, ip.at + ip.totalLength);
  const { frame, payload } = ipv4Frame(macAt(request, 6), myMac, ip.dst, ip.src, PROTO_ICMP, data.length);
  frame.set(data, payload);
  frame[payload] = 0; // echo reply
  put16(frame, payload + 2, 0);
  put16(frame, payload + 2, checksum(frame, payload, payload + data.length));
  return frame;
}
