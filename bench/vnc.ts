/**
 * The QEMU engine's screen path: QEMU's VNC (`-vnc unix:`) decoded into the ScreenModel by RfbClient, against
 * QEMU's own QMP `screendump` of the same screen, in the same run. A 512-byte test guest (the echo guest of
 * the RFB tests) fills its 720x400 text screen with a new character at each key press, so every key is a
 * whole-screen change:
 * - a screenshot: freshFrame() (pixels in the ScreenModel) against screendump to a PPM file, read back; and
 *   as PNG bytes: freshFrame() + encodePng against screendump to a PNG file, read back;
 * - a key pressed over VNC (as a viewer types) until the first changed pixels are in the ScreenModel,
 *   against the same key until a screendump, polled back to back, differs;
 * - a key pressed through QMP (the guest changing its screen on its own, no VNC input to wake QEMU), after a
 *   quiet spell, with RfbClient's wake-up on (default) and off: QEMU's screen refresh backs off to every 3 s
 *   while nothing happens, and screendump does not wait for it.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { encodePng } from '../main/engine/png.js';
import { RfbClient } from '../main/engine/qemu/vnc/rfb-client.js';
import { ScreenModel } from '../main/engine/screen-model.js';
import { echoGuestReady, missingQemuSystem, startQemu, type QemuUnderTest } from '../test/helpers/vnc-echo-guest.js';
import { alternate, log, msSince, now, type BenchContext } from './common.js';
import { ratioRow, side, type Row } from './report.js';

/** Keys whose scan codes draw different characters (0x30 "0", 0x31 "1"): each press changes every cell. */
const KEYS = [
  { code: 'KeyB', qcode: 'b' },
  { code: 'KeyN', qcode: 'n' },
];
const QUIET_MS = 1500;
const CHANGE_TIMEOUT_MS = 10_000;

export async function benchVnc(ctx: BenchContext): Promise<Row[]> {
  const missing = missingQemuSystem();
  if (missing) {
    log(`vnc: ${missing}: skipped`);
    return [];
  }
  const dir = path.join(ctx.dir, 'vnc');
  mkdirSync(dir);
  const qemu = await startQemu(dir);
  try {
    await echoGuestReady(qemu);
    const reps = Math.max(ctx.reps, 5);
    const woken = await measureWith(qemu, dir, reps, 50);
    const unwoken = await measureWith(qemu, dir, reps, 0, true);
    return [...woken, ...unwoken];
  } finally {
    await qemu.stop();
  }
}

/** One VNC client with this wake-up period; `qmpOnly` measures only the guest-driven change. */
async function measureWith(q: QemuUnderTest, dir: string, reps: number, wakeEveryMs: number, qmpOnly = false): Promise<Row[]> {
  const screen = new ScreenModel();
  const client = await RfbClient.connect(q.vncSocket, screen, { continuous: true, wakeEveryMs });
  const probe = new ChangeProbe(q, client, screen, path.join(dir, 'poll.ppm'));
  try {
    await client.freshFrame();
    const rows: Row[] = [];
    if (!qmpOnly) rows.push(...(await screenshotRows(q, client, screen, dir, reps)), await vncKeyRow(probe, reps));
    rows.push(await qmpKeyRow(probe, reps, wakeEveryMs));
    return rows;
  } finally {
    client.close();
  }
}

async function screenshotRows(q: QemuUnderTest, client: RfbClient, screen: ScreenModel, dir: string, reps: number): Promise<Row[]> {
  log(`vnc: screenshot (pixels, and PNG), ${reps} runs each, alternating`);
  const runs = await alternate(reps, {
    pixels: () => timed(() => client.freshFrame()),
    ppm: () => timed(() => dumpAndRead(q, path.join(dir, 'shot.ppm'), 'ppm')),
    png: () =>
      timed(async () => {
        await client.freshFrame();
        const p = screen.pixels();
        encodePng(p.width, p.height, p.rgba);
      }),
    qemuPng: () => timed(() => dumpAndRead(q, path.join(dir, 'shot.png'), 'png')),
  });
  return [
    ratioRow('vnc', 'screenshot 720x400, pixels: freshFrame() into the ScreenModel vs QMP screendump (ppm) + read', side('RfbClient', runs.pixels), side('QMP screendump', runs.ppm), null),
    ratioRow('vnc', 'screenshot 720x400, PNG bytes: freshFrame + encodePng (pngjs) vs QMP screendump (png) + read', side('RfbClient', runs.png), side('QMP screendump', runs.qemuPng), null),
  ];
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = now();
  await work();
  return msSince(t);
}

async function dumpAndRead(q: QemuUnderTest, file: string, format: 'ppm' | 'png'): Promise<Buffer> {
  await q.qmp.execute('screendump', { filename: file, format });
  return readFile(file);
}

async function vncKeyRow(probe: ChangeProbe, reps: number): Promise<Row> {
  log(`vnc: key over VNC to changed pixels, ${reps} runs each, alternating`);
  const runs = await alternate(reps, {
    kaso: () => probe.toScreenModel(() => probe.pressOverVnc()),
    screendump: () => probe.toScreendump(() => probe.pressOverVnc()),
  }, () => pause(300));
  return ratioRow('vnc', 'key over VNC -> first changed pixels: in the ScreenModel vs polling QMP screendump', side('RfbClient', runs.kaso), side('screendump polled', runs.screendump), null, 'latency, including the guest taking the key and rewriting 2000 cells');
}

async function qmpKeyRow(probe: ChangeProbe, reps: number, wakeEveryMs: number): Promise<Row> {
  const wake = wakeEveryMs > 0 ? `wake-up every ${wakeEveryMs} ms` : 'wake-up off';
  log(`vnc: key through QMP after ${QUIET_MS} ms quiet (${wake}), ${reps} runs each, alternating`);
  const runs = await alternate(reps, {
    kaso: () => probe.toScreenModel(() => probe.pressOverQmp()),
    screendump: () => probe.toScreendump(() => probe.pressOverQmp()),
  }, () => pause(QUIET_MS));
  return ratioRow('vnc', `guest changes its screen after ${QUIET_MS} ms quiet (QMP key), ${wake}: ScreenModel vs polling screendump`, side('RfbClient', runs.kaso), side('screendump polled', runs.screendump), null, `max ${Math.max(...runs.kaso).toFixed(0)} ms on the RfbClient side`);
}

/** Presses keys that change the whole screen and times how soon each way of looking sees it. */
class ChangeProbe {
  private next = 0;

  constructor(
    private readonly q: QemuUnderTest,
    private readonly client: RfbClient,
    private readonly screen: ScreenModel,
    private readonly pollFile: string,
  ) {}

  pressOverVnc(): Promise<void> {
    const { code } = this.nextKey();
    this.client.key(code, true);
    this.client.key(code, false);
    return Promise.resolve();
  }

  async pressOverQmp(): Promise<void> {
    await this.q.qmp.execute('send-key', { keys: [{ type: 'qcode', data: this.nextKey().qcode }], 'hold-time': 10 });
  }

  /** ms from the press until the ScreenModel's pixels change. */
  async toScreenModel(press: () => Promise<void>): Promise<number> {
    const before = this.screen.version;
    const changed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the ScreenModel did not change')), CHANGE_TIMEOUT_MS);
      const onUpdate = () => {
        if (this.screen.version === before) return;
        clearTimeout(timer);
        this.client.off('update', onUpdate);
        resolve();
      };
      this.client.on('update', onUpdate);
    });
    const t = now();
    await press();
    await changed;
    return msSince(t);
  }

  /** ms from the press until a screendump differs from the one before it. */
  async toScreendump(press: () => Promise<void>): Promise<number> {
    const before = await this.dump();
    const t = now();
    await press();
    while (Buffer.compare(await this.dump(), before) === 0) if (msSince(t) > CHANGE_TIMEOUT_MS) throw new Error('the screendump did not change');
    return msSince(t);
  }

  private dump(): Promise<Buffer> {
    return dumpAndRead(this.q, this.pollFile, 'ppm');
  }

  private nextKey(): (typeof KEYS)[number] {
    return KEYS[this.next++ % KEYS.length]!;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
