/**
 * `npm run bench -- net`: two test guests on an internal network, with netd between them and then with a
 * bare wire (a pipe in this process that joins the two NIC links byte for byte, no switching, no parsing),
 * alternating round by round. The same guests, engines and link sockets serve both sides: only the middle
 * changes. Measured: TCP throughput (wget of a file from the other guest's httpd) and ping round trips.
 */
import { existsSync, unlinkSync } from 'node:fs';
import net, { type Server, type Socket } from 'node:net';
import path from 'node:path';
import type { NetworkInfo } from '../main/api/networks.js';
import type { VmDetails } from '../main/api/requests.js';
import { HostService } from '../main/host/host-service.js';
import { testGuest } from '../test/helpers/guest.js';
import { log, type BenchContext } from './common.js';
import { hostSerial, SerialShell } from './serial-shell.js';
import { ratioRow, side, type Row } from './report.js';

const BLOB_KIB = 4096;
const PINGS = 20;

export async function benchNet(ctx: BenchContext): Promise<Row[]> {
  const guest = await testGuest();
  if (!guest) {
    log('net: no test guest can be built here: skipped');
    return [];
  }
  const service = await HostService.create(path.join(ctx.dir, 'kaso-home-net'));
  try {
    await service.handle('net.create', { settings: { name: 'Bench', kind: 'internal', subnet: '192.168.150.0/24' } });
    const kernel = { kernel: guest.kernel, initrd: guest.initrd, append: guest.cmdline };
    const boot = async (name: string, mac: string, ip: string) => {
      const vm = (await service.handle('vm.create', { settings: { name, memoryMiB: 96, osPreset: 'linux32', kernel, nics: [{ model: 'ne2k', mac, network: 'Bench' }] } })) as VmDetails;
      await service.handle('vm.start', { id: vm.id });
      const shell = new SerialShell(hostSerial(service, vm.id));
      await shell.waitFor(/kaso-guest# /, 180_000);
      await shell.run(`ip link set eth0 up && ip addr add ${ip}/24 dev eth0`);
      return shell;
    };
    const a = await boot('Bench A', '02:6b:61:be:00:01', '192.168.150.11');
    const b = await boot('Bench B', '02:6b:61:be:00:02', '192.168.150.12');
    await b.run(`mkdir -p /www && dd if=/dev/urandom of=/www/blob bs=1024 count=${BLOB_KIB} 2>/dev/null && (httpd -p 8080 -h /www &)`);
    await a.run('ping -c 2 -W 5 192.168.150.12 >/dev/null'); // ARP and the switch's MAC table, before timing
    // Untimed, through each middle: the first transfers ran up to 4x slower on both sides (page cache, the
    // guests' TCP, the JIT of both engines and of netd).
    const middles = new Middles(service);
    for (const which of ['wire', 'netd', 'wire', 'netd', 'wire', 'netd', 'wire', 'netd'] as const) {
      await middles.use(which);
      await a.run('ping -c 1 -W 5 192.168.150.12 >/dev/null || ping -c 1 -W 5 192.168.150.12 >/dev/null');
      await a.run('wget -q -O /dev/null http://192.168.150.12:8080/blob');
    }
    const samples = { netd: { wget: [] as number[], ping: [] as number[] }, wire: { wget: [] as number[], ping: [] as number[] } };
    const rounds = Math.max(ctx.reps, 5);
    for (let round = 0; round < rounds; round++) {
      for (const which of round % 2 ? (['wire', 'netd'] as const) : (['netd', 'wire'] as const)) {
        await middles.use(which);
        await a.run('ping -c 1 -W 5 192.168.150.12 >/dev/null || ping -c 1 -W 5 192.168.150.12 >/dev/null');
        samples[which].wget.push(await a.seconds(`wget -q -O /dev/null http://192.168.150.12:8080/blob`));
        samples[which].ping.push(await a.pingAvgMs('192.168.150.12', PINGS));
      }
    }
    await middles.use('netd');
    log(`net: netd wget ${samples.netd.wget.map((s) => s.toFixed(2)).join(' ')} s; wire ${samples.wire.wget.map((s) => s.toFixed(2)).join(' ')} s`);
    log(`net: netd ping ${samples.netd.ping.map((s) => s.toFixed(2)).join(' ')} ms; wire ${samples.wire.ping.map((s) => s.toFixed(2)).join(' ')} ms`);
    const ms = (s: number[]) => s.map((x) => x * 1000);
    const bytes = BLOB_KIB * 1024;
    return [
      ratioRow('net', `guest-to-guest TCP (${BLOB_KIB / 1024} MiB wget) through netd vs a bare wire`, side('netd', ms(samples.netd.wget), { ops: 1, bytes }), side('wire', ms(samples.wire.wget), { ops: 1, bytes }), 0.9),
      addedLatencyRow(samples.netd.ping, samples.wire.ping),
    ];
  } finally {
    service.killAll();
  }
}

/** Ping's average round trip through netd against the wire; judged on what the switch adds (< 1 ms). */
function addedLatencyRow(netd: number[], wire: number[]): Row {
  const kaso = { ...side('netd', netd), unit: 'ms' };
  const peer = { ...side('wire', wire), unit: 'ms' };
  const added = Math.round((kaso.medianMs - peer.medianMs) * 1000) / 1000;
  return {
    group: 'net',
    name: `ping round trip (avg of ${PINGS}) through netd vs a bare wire`,
    kaso,
    peer,
    ratio: Math.round((peer.medianMs / kaso.medianMs) * 1000) / 1000,
    perRound: null,
    target: 'added < 1 ms',
    verdict: added < 1 ? 'PASS' : 'FAIL',
    note: `netd adds ${added.toFixed(3)} ms per round trip (two frames through the switch)`,
  };
}

/** Swaps what sits on netd's socket: netd itself, or a wire that joins the two NICs that dial in. */
class Middles {
  private wire: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private current: 'netd' | 'wire' = 'netd';

  constructor(private readonly service: HostService) {}

  private get socketPath(): string {
    return this.service.nets.socketPath;
  }

  async use(which: 'netd' | 'wire'): Promise<void> {
    if (which === this.current) return;
    this.current = which;
    if (which === 'wire') {
      this.service.nets.netd.stop();
      await new Promise((r) => setTimeout(r, 300));
      await this.openWire();
    } else {
      await this.closeWire();
      await this.service.nets.netd.resume();
    }
    await this.linked();
  }

  /** Both NICs are linked again (the engines redial within two seconds). */
  private async linked(): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.current === 'wire' ? this.sockets.size === 2 : ((await this.service.handle('net.get', { name: 'Bench' })) as NetworkInfo).ports.every((p) => p.linked)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the NICs did not link to the ${this.current}`);
  }

  private openWire(): Promise<void> {
    if (existsSync(this.socketPath)) unlinkSync(this.socketPath);
    const waiting: Socket[] = [];
    this.wire = net.createServer((s) => {
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {});
      skipHello(s, () => {
        waiting.push(s);
        if (waiting.length === 2) {
          const [x, y] = waiting.splice(0);
          x!.pipe(y!);
          y!.pipe(x!);
        }
      });
    });
    return new Promise((resolve) => this.wire!.listen(this.socketPath, resolve));
  }

  private async closeWire(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.wire ? this.wire.close(() => resolve()) : resolve()));
    this.wire = null;
    if (existsSync(this.socketPath)) unlinkSync(this.socketPath);
  }
}

/** Reads the NIC's hello (the first length-prefixed frame) off the socket, then hands over the rest. */
function skipHello(s: Socket, then: () => void): void {
  let buf = Buffer.alloc(0);
  const onData = (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    if (buf.length < 4 || buf.length < 4 + buf.readUInt32BE(0)) return;
    s.off('data', onData);
    s.pause();
    const rest = buf.subarray(4 + buf.readUInt32BE(0));
    if (rest.length) s.unshift(rest);
    then();
  };
  s.on('data', onData);
}

