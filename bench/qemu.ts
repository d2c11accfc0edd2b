/**
 * `npm run bench -- qemu`: the QEMU engine against QEMU started by hand, in the same run.
 *  - disk: the guest reads a disk sequentially; Kaso serves it from a dynamic VHD over NBD, the peer is the
 *    same bytes in a raw file opened by QEMU's own driver (target >= 0.8);
 *  - boot: launch to the shell prompt of the amd64 test guest; Kaso's VM against QEMU run by hand with the
 *    same command line (target: Kaso's time <= 1.1x, i.e. ratio >= 0.9);
 *  - cpu: the same busybox loops in the guest and on the host (the accelerator's speed; reported).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findQemu } from '../native-shims/qemu.js';
import type { VmDetails } from '../main/api/requests.js';
import { createDynamic } from '../main/disk/create.js';
import { openDisk } from '../main/disk/index.js';
import { chooseAccel, type AccelChoice } from '../main/engine/qemu/accel-probe.js';
import { qemuArgs, type QemuSockets } from '../main/engine/qemu/qemu-args.js';
import { QmpClient } from '../main/engine/qemu/qmp-client.js';
import { SerialServer } from '../main/engine/qemu/serial-server.js';
import type { EngineBootConfig } from '../main/engine/protocol.js';
import { HostService } from '../main/host/host-service.js';
import { testGuest, type TestGuest } from '../test/helpers/guest.js';
import { log, MiB, randomBytes, type BenchContext } from './common.js';
import { ratioRow, side, type Row } from './report.js';
import { hostSerial, PushedSerial, SerialShell } from './serial-shell.js';

const DATA_MIB = 256;
const PROMPT = /kaso-guest# /;
const MEMORY_MIB = 256;

export async function benchQemu(ctx: BenchContext): Promise<Row[]> {
  const guest = await testGuest('amd64');
  const qemu = await findQemu();
  if (!qemu.found) {
    log(`qemu: ${qemu.message}: skipped`);
    return [];
  }
  if (!guest) {
    log('qemu: no amd64 test guest can be built here: skipped');
    return [];
  }
  const accel = await chooseAccel(qemu.binary, qemu.version, null, guest.kernel);
  log(`qemu: QEMU ${qemu.version}, ${accel.reason}`);
  const service = await HostService.create(path.join(ctx.dir, 'kaso-home-qemu'));
  const bench = new QemuBench(ctx, service, guest, qemu.binary, accel);
  try {
    return [...(await bench.disk()), await bench.boot(), ...(await bench.cpu())];
  } finally {
    bench.stopAll();
    service.killAll();
  }
}

class QemuBench {
  private peers: ChildProcess[] = [];
  private counter = 0;

  constructor(
    private readonly ctx: BenchContext,
    private readonly service: HostService,
    private readonly guest: TestGuest,
    private readonly binary: string,
    private readonly accel: AccelChoice,
  ) {}

  private get kernel() {
    return { kernel: this.guest.kernel, initrd: this.guest.initrd, append: this.guest.cmdline };
  }

  /** A VM of Kaso's, booted to its prompt; `disk` becomes its primary master. */
  private async kasoVm(name: string, disk: string | null): Promise<{ shell: SerialShell; ms: number; id: string }> {
    const ide = { primaryMaster: disk ? { kind: 'disk', path: disk } : null, primarySlave: null, secondaryMaster: null, secondarySlave: null };
    const vm = (await this.service.handle('vm.create', { settings: { name, engine: 'qemu', osPreset: 'linux64', memoryMiB: MEMORY_MIB, kernel: this.kernel, ide } })) as VmDetails;
    const started = performance.now();
    await this.service.handle('vm.start', { id: vm.id });
    const shell = new SerialShell(hostSerial(this.service, vm.id));
    await shell.waitFor(PROMPT, 180_000);
    return { shell, ms: performance.now() - started, id: vm.id };
  }

  /** QEMU by hand: the command line Kaso builds for the same machine; `raw` replaces the NBD disk with a file. */
  private async peerVm(raw: string | null): Promise<{ shell: SerialShell; ms: number; stop: () => void }> {
    const dir = path.join(this.ctx.dir, `peer-${this.counter++}`);
    mkdirSync(dir, { recursive: true });
    const at = (n: string) => path.join(dir, n);
    const sockets: QemuSockets = { qmp: at('qmp'), vnc: at('vnc'), nbd: at('nbd'), serial: [at('com1'), at('com2')], nics: [] };
    const args = qemuArgs(this.config(raw !== null), this.accel.accel, sockets).map((a) =>
      a.startsWith('driver=nbd,node-name=hd-primaryMaster') ? `driver=raw,node-name=hd-primaryMaster,file.driver=file,file.filename=${raw}` : a,
    );
    let line: PushedSerial | null = null;
    const com1 = new SerialServer(sockets.serial[0], (d) => line!.push(d));
    line = new PushedSerial((t) => com1.send(Buffer.from(t, 'latin1')));
    const com2 = new SerialServer(sockets.serial[1], () => {});
    await Promise.all([com1.listen(), com2.listen()]);
    const started = performance.now();
    const child = spawn(this.binary, args, { stdio: 'ignore' });
    this.peers.push(child);
    const qmp = await QmpClient.connect(sockets.qmp, () => child.exitCode === null);
    await qmp.execute('cont');
    const shell = new SerialShell(line);
    await shell.waitFor(PROMPT, 180_000);
    const ms = performance.now() - started;
    return { shell, ms, stop: () => (child.kill('SIGKILL'), qmp.close(), com1.close(), com2.close()) };
  }

  private config(withDisk: boolean): EngineBootConfig {
    return {
      vmId: 'peer', name: 'peer', engine: 'qemu', qemu: null, memoryMiB: MEMORY_MIB, processors: 1, cpuMaximum: 100, cpuWeight: 100,
      disks: withDisk ? [{ slot: 'primaryMaster', path: '' }] : [], cdroms: [], floppy: null, bootOrder: ['cd', 'disk', 'floppy'],
      kernel: this.kernel, firmware: null, restoreFrom: null, com: [true, false], acpi: true, nics: [],
    };
  }

  async disk(): Promise<Row[]> {
    const { vhd, raw } = await this.dataDisks();
    const kaso = await this.kasoVm('Bench disk', vhd);
    const peer = await this.peerVm(raw);
    const rows: Row[] = [];
    for (const bs of ['1M', '64k']) {
      const count = bs === '1M' ? DATA_MIB : DATA_MIB * 16;
      const read = (s: SerialShell) => s.seconds(`sh -c 'dd if=/dev/sda of=/dev/null bs=${bs} count=${count} 2>/dev/null'`);
      const drop = (s: SerialShell) => s.run('sync; echo 3 > /proc/sys/vm/drop_caches');
      await read(kaso.shell); // untimed: the host's page cache and both processes warm
      await read(peer.shell);
      const samples = { kaso: [] as number[], peer: [] as number[] };
      for (let round = 0; round < this.ctx.reps; round++) {
        for (const which of round % 2 ? (['peer', 'kaso'] as const) : (['kaso', 'peer'] as const)) {
          const s = which === 'kaso' ? kaso.shell : peer.shell;
          await drop(s);
          samples[which].push((await read(s)) * 1000);
        }
      }
      const bytes = DATA_MIB * MiB;
      rows.push(ratioRow('qemu', `guest sequential read, ${bs} blocks: VHD over Kaso's NBD vs QEMU's raw file`, side('NBD+VHD', samples.kaso, { ops: 1, bytes }), side('raw file', samples.peer, { ops: 1, bytes }), 0.8));
    }
    peer.stop();
    await this.service.handle('vm.turnOff', { id: kaso.id });
    return rows;
  }

  /** A dynamic VHD full of random data, and the same bytes as a raw file. */
  private async dataDisks(): Promise<{ vhd: string; raw: string }> {
    const vhd = path.join(this.ctx.dir, 'data.vhd');
    const raw = path.join(this.ctx.dir, 'data.raw');
    const data = randomBytes(DATA_MIB * MiB);
    await createDynamic(vhd, data.length);
    const d = await openDisk(vhd, { writable: true });
    for (let at = 0; at < data.length; at += 4 * MiB) await d.write(data.subarray(at, at + 4 * MiB), at);
    await d.close();
    writeFileSync(raw, data);
    return { vhd, raw };
  }

  async boot(): Promise<Row> {
    const samples = { kaso: [] as number[], peer: [] as number[] };
    for (let round = 0; round < this.ctx.reps; round++) {
      for (const which of round % 2 ? (['peer', 'kaso'] as const) : (['kaso', 'peer'] as const)) {
        if (which === 'kaso') {
          const vm = await this.kasoVm(`Bench boot ${round}`, null);
          samples.kaso.push(vm.ms);
          await this.service.handle('vm.turnOff', { id: vm.id });
        } else {
          const vm = await this.peerVm(null);
          samples.peer.push(vm.ms);
          vm.stop();
        }
      }
    }
    return ratioRow('qemu', `boot to the shell prompt (${this.accel.accel.toUpperCase()}): Kaso's VM vs QEMU started by hand`, side('Kaso', samples.kaso), side('by hand', samples.peer), 0.9);
  }

  /** The same busybox work in the guest (on the accelerator) and on the host. */
  async cpu(): Promise<Row[]> {
    const busybox = this.hostBusybox();
    if (!busybox) {
      log('qemu: cpu: no busybox of the guest\'s to run on the host: skipped');
      return [];
    }
    const vm = await this.kasoVm('Bench cpu', null);
    const work = {
      'shell loop (200k iterations)': 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done',
      'md5sum of 64 MiB': 'dd if=/dev/zero bs=1M count=64 2>/dev/null | md5sum >/dev/null',
    };
    const rows: Row[] = [];
    for (const [name, script] of Object.entries(work)) {
      const guest: number[] = [];
      const host: number[] = [];
      for (let round = 0; round < this.ctx.reps; round++) {
        guest.push((await vm.shell.seconds(`sh -c '${script}'`)) * 1000);
        const t = performance.now();
        spawnSync(busybox, ['sh', '-c', script], { env: { PATH: path.dirname(busybox) } });
        host.push(performance.now() - t);
      }
      rows.push(ratioRow('qemu', `guest CPU vs the host, ${name} (${this.accel.accel.toUpperCase()}; goal >= 0.9 on KVM)`, side('guest', guest), side('host', host), null));
    }
    await this.service.handle('vm.turnOff', { id: vm.id });
    return rows;
  }

  /** The guest's own busybox, unpacked from its package, with its applets linked beside it. */
  private hostBusybox(): string | null {
    const debs = path.join(path.dirname(this.guest.manifest), 'debs');
    const deb = existsSync(debs) ? readdirSync(debs).find((f) => f.startsWith('busybox-static')) : undefined;
    if (!deb) return null;
    const out = path.join(this.ctx.dir, 'busybox');
    execFileSync('dpkg-deb', ['-x', path.join(debs, deb), out]);
    const bin = path.join(out, 'bin');
    execFileSync(path.join(bin, 'busybox'), ['--install', '-s', bin]);
    return path.join(bin, 'busybox');
  }

  stopAll(): void {
    for (const p of this.peers) p.kill('SIGKILL');
  }
}
