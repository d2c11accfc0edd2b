import { spawn, type ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import type { PortForward } from '../api/networks.js';
import { intToIp } from './ipv4.js';
import { FrameReader, FrameWriter } from './stream-framing.js';

/**
 * One guest's way to the host and the outside: a `passt` process (Debian's user-mode network stack for VMs)
 * that turns the guest's TCP, UDP and ICMP into the host's own sockets, with no root and no TCP/IP stack of
 * ours. passt serves exactly one guest, so each NIC that talks past the gateway gets its own, on a socket
 * pair (fd 3) in the stream framing. passt's own DHCP, NDP and RA are off: the network's DHCP server and
 * gateway answer those. Connections to the gateway address reach the host's loopback (passt's gateway
 * mapping); DNS queries to it go to the host's resolver.
 */
export interface PasstOptions {
  binary: string;
  guestMac: string;
  guestIp: number;
  gatewayIp: number;
  gatewayMac: string;
  prefixBits: number;
  forwards: PortForward[];
}

const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** What a host-only or NAT network says when there is no passt to run. */
export const PASST_MISSING =
  "passt is not installed, so nothing leaves this network for the host or the outside: install the passt package (Debian 13, Ubuntu 24.04, Fedora; Debian 12's is too old, run Kaso's scripts/build-passt) or set KASO_PASST to a passt binary";

export class PasstLink {
  private child: ChildProcess | null = null;
  private stream: Duplex | null = null;
  private writer: FrameWriter | null = null;
  private stderr = '';
  exited = false;

  constructor(
    readonly options: PasstOptions,
    private readonly toGuest: (frame: Uint8Array) => void,
    private readonly onExit: (why: string) => void,
  ) {}

  start(): void {
    const o = this.options;
    const args = ['-f', '-F', '3', '-4', '--no-dhcp', '--no-ndp', '--no-dhcpv6', '--no-ra'];
    // KASO_PASST_LOG=folder: passt's own debug log per guest, for when traffic does not get through.
    const log = process.env.KASO_PASST_LOG;
    args.push(...(log ? ['-d', '-l', `${log}/passt-${o.guestMac.replace(/:/g, '')}.log`] : ['-q', '-e']));
    args.push('-a', intToIp(o.guestIp), '-n', String(o.prefixBits), '-g', intToIp(o.gatewayIp), '-M', o.gatewayMac);
    args.push('--dns-forward', intToIp(o.gatewayIp));
    for (const f of o.forwards) args.push(f.protocol === 'tcp' ? '-t' : '-u', `${f.hostAddress}/${f.hostPort}:${f.guestPort}`);
    const child = spawn(o.binary, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.stream = child.stdio[3] as Duplex;
    this.writer = new FrameWriter(this.stream, MAX_QUEUED_BYTES);
    const reader = new FrameReader(this.toGuest, (why) => {
      this.stderr += `\nframing: ${why}`;
      child.kill();
    });
    this.stream.on('data', (d: Buffer) => reader.push(d));
    this.stream.on('error', () => {});
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    child.on('error', (e) => (this.stderr += `\n${e.message}`));
    child.on('exit', (code, signal) => {
      this.exited = true;
      this.onExit(`passt ended (${signal ?? `code ${code}`})${this.stderr.trim() ? `: ${this.stderr.trim().split('\n').slice(-2).join(' | ')}` : ''}`);
    });
  }

  /** Sends a guest frame; false (the frame is dropped, as a busy wire would) when passt is not keeping up. */
  send(frame: Uint8Array): boolean {
    return !this.exited && (this.writer?.write(frame) ?? false);
  }

  stop(): void {
    this.exited = true;
    this.child?.kill();
  }
}
