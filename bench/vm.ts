/**
 * The embedded engine under Kaso against v86 alone (a bare Node script, test/guest/boot-bare-v86.ts), same
 * test guest, same machine, same run: boot time to the shell prompt, CPU of an idle guest, memory beyond the
 * guest's RAM; and the graphics stream (1024x768, the guest redrawing its framebuffer as fast as it can) as a
 * web console receives it: frames per second and the delay from capture in the VM's process to arrival.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { VmDetails } from '../main/api/requests.js';
import { HostService } from '../main/host/host-service.js';
import type { SerialPort } from '../main/host/serial-port.js';
import { startWebHost, type WebHost } from '../main/web/web-host.js';
import { testGuest, type TestGuest } from '../test/helpers/guest.js';
import { REPO_ROOT, log, median, type BenchContext } from './common.js';
import { side, type Row } from './report.js';

const MEMORY_MIB = 128;
const PROMPT = /kaso-guest# /;
const IDLE_SECONDS = 10;
/** An idle guest is one whose boot has finished its tail (module loading, first shell): wait this long first. */
const SETTLE_SECONDS = 30;
const FRAME_SECONDS = 10;

export function benchVm(ctx: BenchContext): Promise<Row[]> {
  return withBenchVm(ctx, 'vm', async ({ guest, service, web, id }) => {
    const rounds = Math.min(ctx.reps, 3);
    const kasoBoot: number[] = [];
    const bareBoot: number[] = [];
    const bare: { idleCpuPercent: number; rssMiB: number }[] = [];
    for (let i = 0; i < rounds; i++) {
      const last = i === rounds - 1;
      bareBoot.push(...[await bareRun(guest, last)].map((r) => (last && r.idle ? (bare.push(r.idle), r.ms) : r.ms)));
      kasoBoot.push(await kasoBootMs(service, id));
      if (!last) await service.handle('vm.turnOff', { id });
    }
    const kasoIdle = await idleCpu(service, id);
    const rss = rssOf(service, id);
    const frames = await graphicsStream(service, web, id);
    await service.handle('vm.turnOff', { id });
    return [...rows(kasoBoot, bareBoot, kasoIdle, bare[0] ?? null, rss), ...frameRows(frames)];
  });
}

/** `npm run bench -- vm-graphics`: only the graphics stream (one boot), for working on the console path. */
export function benchVmGraphics(ctx: BenchContext): Promise<Row[]> {
  return withBenchVm(ctx, 'vm-graphics', async ({ service, web, id }) => {
    await kasoBootMs(service, id);
    return frameRows(await graphicsStream(service, web, id));
  });
}

/** A host with its web host and one VM booting the test guest's ISO, for `measure`; torn down after. */
async function withBenchVm(
  ctx: BenchContext,
  group: string,
  measure: (vm: { guest: TestGuest; service: HostService; web: WebHost; id: string }) => Promise<Row[]>,
): Promise<Row[]> {
  const guest = await testGuest();
  if (!guest) {
    log(`${group}: no test guest can be built here: skipped`);
    return [];
  }
  const service = await HostService.create(path.join(ctx.dir, 'kaso-home'));
  const web = await startWebHost(service, { host: '127.0.0.1', port: 0 });
  try {
    const vm = (await service.handle('vm.create', {
      settings: { name: 'bench', memoryMiB: MEMORY_MIB, osPreset: 'linux32', ide: cd(guest.iso) },
    })) as VmDetails;
    return await measure({ guest, service, web, id: vm.id });
  } finally {
    service.killAll();
    await web.close();
  }
}

function cd(iso: string) {
  return { primaryMaster: null, primarySlave: null, secondaryMaster: { kind: 'cdrom', path: iso }, secondarySlave: null };
}

/** From the start request to the prompt on COM1 (the engine's process start included). */
async function kasoBootMs(service: HostService, id: string): Promise<number> {
  const started = performance.now();
  await service.handle('vm.start', { id });
  await waitSerial(service, id, PROMPT, 0);
  const ms = performance.now() - started;
  log(`vm: Kaso booted to the prompt in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

/** The bare script, timed from its spawn to the moment it says it saw the prompt (its own Node start included). */
function bareRun(guest: TestGuest, idle: boolean): Promise<{ ms: number; idle?: { idleCpuPercent: number; rssMiB: number } }> {
  void guest;
  const script = path.join(REPO_ROOT, 'dist', 'test', 'guest', 'boot-bare-v86.js');
  const started = performance.now();
  const child = spawn(process.execPath, [script, 'iso'], {
    env: { ...process.env, ...(idle ? { KASO_IDLE_SECONDS: String(IDLE_SECONDS), KASO_IDLE_SETTLE_SECONDS: String(SETTLE_SECONDS) } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let promptAt = 0;
  let out = '';
  child.stderr.on('data', (d: Buffer) => {
    if (!promptAt && d.toString().includes('PROMPT')) promptAt = performance.now();
  });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0 || !promptAt) return reject(new Error(`boot-bare-v86 failed (${code}): ${out}`));
      const ms = promptAt - started;
      log(`vm: bare v86 booted to the prompt in ${(ms / 1000).toFixed(1)} s`);
      const result = JSON.parse(out.trim().split('\n').at(-1)!) as { idleCpuPercent?: number; rssMiB?: number };
      resolve({ ms, ...(result.idleCpuPercent !== undefined ? { idle: { idleCpuPercent: result.idleCpuPercent, rssMiB: result.rssMiB! } } : {}) });
    });
  });
}

/** Waits for COM1 output by listening (not polling: the machine has two cores and both sides need them). */
async function waitSerial(service: HostService, id: string, pattern: RegExp, since: number, timeoutMs = 300_000): Promise<void> {
  const port = (service as unknown as { live: Map<string, { process: { serial: [SerialPort | null] } | null }> }).live.get(id)?.process?.serial[0];
  if (!port) throw new Error('COM1 is not connected');
  let seen = Buffer.from(port.read(since).data).toString('latin1');
  if (pattern.test(seen)) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no ${pattern} on COM1 within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = port.subscribe((data) => {
      seen += Buffer.from(data).toString('latin1');
      if (!pattern.test(seen)) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/** CPU of the VM's process while the guest sits at its prompt (the engine reports it every 2 s). */
async function idleCpu(service: HostService, id: string): Promise<number[]> {
  await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
  const samples: number[] = [];
  for (let i = 0; i < IDLE_SECONDS / 2; i++) {
    await new Promise((r) => setTimeout(r, 2000));
    samples.push(((await service.handle('vm.get', { id })) as VmDetails).cpuPercent ?? NaN);
  }
  log(`vm: idle guest under Kaso: ${samples.map((s) => s.toFixed(1)).join(', ')} % of a core`);
  return samples;
}

function rssOf(service: HostService, id: string): number {
  const live = (service as unknown as { live: Map<string, { process: { rssMiB: number | null } | null }> }).live.get(id);
  return live?.process?.rssMiB ?? NaN;
}

interface FrameStats {
  fps: number;
  mbps: number;
  latencies: number[];
}

/**
 * Loads the guest's bochs framebuffer driver and has it repaint its whole 1024x768 screen nonstop (the worst
 * case: every frame all new). Measured twice: a console attached to the VM's process over one hop (as an
 * Electron window is, by MessagePort), and a web console in a process of its own through the web host.
 */
async function graphicsStream(service: HostService, web: WebHost, id: string): Promise<{ direct: FrameStats; web: FrameStats }> {
  const run = async (cmd: string) => service.handle('vm.serialWrite', { id, port: 1, data: `${cmd}\r` });
  const since = (await service.handle('vm.serialRead', { id, port: 1, since: Number.MAX_SAFE_INTEGER }) as { next: number }).next;
  await run('kaso-load bochs; dd if=/dev/urandom of=/tmp/a bs=1024 count=3072 2>/dev/null; dd if=/dev/zero of=/tmp/b bs=1024 count=3072 2>/dev/null; echo FB-READY');
  await waitSerial(service, id, /FB-READY\r?\n/, since);
  await run('(while true; do cat /tmp/a > /dev/fb0; cat /tmp/b > /dev/fb0; done) &');
  await new Promise((r) => setTimeout(r, 3000));
  const direct = await directViewer(service, id);
  const overWeb = await webViewer(web, id);
  for (const [name, f] of [['one hop', direct], ['web', overWeb]] as const)
    log(`vm: graphics, ${name}: ${f.fps.toFixed(1)} frames/s, ${f.mbps.toFixed(0)} MiB/s, age at arrival p50 ${median(f.latencies)} ms`);
  return { direct, web: overWeb };
}

async function directViewer(service: HostService, id: string): Promise<FrameStats> {
  let frames = 0;
  let bytes = 0;
  let counting = false;
  const latencies: number[] = [];
  const handle = service.openConsole(id, {
    send: (m) => {
      if (m.t !== 'rect') return;
      handle.input({ t: 'frame-ack', count: 1 });
      if (!counting) return;
      frames++;
      bytes += m.rgba.length;
      if (m.capturedAt) latencies.push(Date.now() - m.capturedAt);
    },
  });
  await new Promise((r) => setTimeout(r, 1000));
  counting = true;
  await new Promise((r) => setTimeout(r, FRAME_SECONDS * 1000));
  handle.close();
  return { fps: frames / FRAME_SECONDS, mbps: bytes / FRAME_SECONDS / 2 ** 20, latencies };
}

function webViewer(web: WebHost, id: string): Promise<FrameStats> {
  const client = path.join(REPO_ROOT, 'dist', 'bench', 'console-client.js');
  const child = spawn(process.execPath, [client, `${web.url.replace('http', 'ws')}/ws/console/${id}`, web.token, String(FRAME_SECONDS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the web console client failed (${code})`));
      const r = JSON.parse(out) as { frames: number; bytes: number; latencies: number[] };
      resolve({ fps: r.frames / FRAME_SECONDS, mbps: r.bytes / FRAME_SECONDS / 2 ** 20, latencies: r.latencies });
    }),
  );
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

function rows(
  kasoBoot: number[],
  bareBoot: number[],
  kasoIdle: number[],
  bare: { idleCpuPercent: number; rssMiB: number } | null,
  rss: number,
): Row[] {
  const boot = median(kasoBoot) / median(bareBoot);
  const idle = median(kasoIdle);
  const extra = rss - MEMORY_MIB;
  const bareExtra = bare ? bare.rssMiB - MEMORY_MIB : NaN;
  return [
    row('boot to prompt, test guest from its ISO (Kaso time / bare v86 time)', kasoBoot, bareBoot, 'ms', 'kaso <= 1.1x bare', boot <= 1.1, boot),
    row('idle guest at its prompt: CPU of its process (% of one core)', kasoIdle, bare ? [bare.idleCpuPercent] : null, '%', 'kaso <= 10%', idle <= 10, bare ? bare.idleCpuPercent / idle : null, 'ratio = bare v86 CPU / Kaso CPU'),
    row('host memory per VM beyond its 128 MiB guest RAM (MiB)', [extra], bare ? [bareExtra] : null, 'MiB', 'kaso <= 150 MiB (goal)', extra <= 150, bare ? bareExtra / extra : null, 'RSS of the VM process minus guest RAM'),
  ];
}

function frameRows(frames: { direct: FrameStats; web: FrameStats }): Row[] {
  const d95 = percentile(frames.direct.latencies, 95);
  const w95 = percentile(frames.web.latencies, 95);
  return [
    row(`graphics 1024x768, all new every frame, one hop (as Electron's port): frames/s (${frames.direct.mbps.toFixed(0)} MiB/s)`, [frames.direct.fps], null, 'fps', 'kaso >= 30 fps', frames.direct.fps >= 30, null),
    row('graphics, one hop: age of the oldest change on arrival, p95 (ms)', [d95], null, 'ms', 'kaso <= 50 ms', d95 <= 50, null, `p50 ${median(frames.direct.latencies)} ms; the age counts from the tick that first saw the change (ticks are 16 ms apart)`),
    row(`graphics, web console in its own process through kaso serve: frames/s (${frames.web.mbps.toFixed(0)} MiB/s)`, [frames.web.fps], null, 'fps', '(extra)', true, null),
    row('graphics, web console: age of the oldest change on arrival, p95 (ms)', [w95], null, 'ms', '(extra)', true, null, `p50 ${median(frames.web.latencies)} ms`),
  ];
}

function row(name: string, kaso: number[], peer: number[] | null, unit: string, target: string, pass: boolean, ratio: number | null, note?: string): Row {
  return {
    group: 'vm',
    name,
    kaso: { ...side('kaso', kaso), unit },
    peer: peer ? { ...side('bare v86', peer), unit } : null,
    ratio: ratio === null ? null : Math.round(ratio * 1000) / 1000,
    perRound: null,
    target,
    verdict: pass ? 'PASS' : 'FAIL',
    ...(note ? { note } : {}),
  };
}
