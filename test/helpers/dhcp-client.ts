import { BROADCAST_MAC, macToBytes, put32, udpFrame } from '../../main/net/frame.js';
import { ipToInt } from '../../main/net/ipv4.js';

/** DHCP as a guest's client speaks it, for tests of the network's DHCP server. */
export const DHCP_MAGIC = 0x63825363;

export interface ClientMessage {
  type: number;
  mac: string;
  xid?: number;
  /** The client's own address (renewing, releasing, informing); 0.0.0.0 otherwise. */
  ciaddr?: string;
  requested?: string;
  server?: string;
  hostname?: string;
}

/** A DHCP client's message as a guest sends it: UDP 68 → 67, from its address or 0.0.0.0, to the server or broadcast. */
export function dhcpClientFrame(m: ClientMessage, serverMac: string, serverIp: string): Uint8Array {
  const options: number[] = [53, 1, m.type];
  if (m.requested) options.push(50, 4, ...ipBytes(m.requested));
  if (m.server) options.push(54, 4, ...ipBytes(m.server));
  if (m.hostname) options.push(12, m.hostname.length, ...new TextEncoder().encode(m.hostname));
  options.push(55, 4, 1, 3, 6, 51); // parameter request list
  options.push(255);
  const body = new Uint8Array(236 + 4 + options.length);
  body[0] = 1; // BOOTREQUEST
  body[1] = 1; // Ethernet
  body[2] = 6;
  put32(body, 4, m.xid ?? 0x1234abcd);
  put32(body, 12, m.ciaddr ? ipToInt(m.ciaddr) : 0);
  body.set(macToBytes(m.mac), 28);
  put32(body, 236, DHCP_MAGIC);
  body.set(options, 240);
  const src = m.ciaddr ? ipToInt(m.ciaddr) : 0;
  const dst = m.ciaddr ? ipToInt(m.server ?? serverIp) : 0xffffffff;
  return udpFrame(m.ciaddr ? serverMac : BROADCAST_MAC, m.mac, src, dst, 68, 67, body);
}

function ipBytes(ip: string): number[] {
  return ip.split('.').map(Number);
}
