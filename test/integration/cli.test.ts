import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { interoperableSize } from '../../main/disk/index.js';
import { kaso, kasoBin } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('cli');
const at = (name: string) => path.join(dir, name);

describe('kaso disk (the command line)', () => {
  it('creates and describes disks, with --json for scripts', () => {
    const created = kaso(['disk', 'create', at('base.vhd'), '--size', '10M', '--json']);
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ path: at('base.vhd'), type: 'dynamic', virtualSize: interoperableSize(10 * 1024 * 1024) });
    expect(kaso(['disk', 'create', at('child.vhd'), '--type', 'differencing', '--parent', at('base.vhd')]).status).toBe(0);
    const info = JSON.parse(kaso(['disk', 'info', at('child.vhd'), '--json']).stdout);
    expect(info).toMatchObject({
      type: 'differencing',
      virtualSize: interoperableSize(10 * 1024 * 1024),
      blockSize: 2 * 1024 * 1024,
      creator: { application: 'kaso' },
      geometry: { cylinders: expect.any(Number), heads: expect.any(Number), sectorsPerTrack: expect.any(Number) },
      parents: [{ path: at('base.vhd'), uniqueId: expect.stringMatching(/^[0-9a-f-]{36}$/) }],
    });
    expect(info.fileSize).toBe(statSync(at('child.vhd')).size);
    const text = kaso(['disk', 'info', at('child.vhd')]).stdout;
    expect(text).toMatch(/Type:\s+differencing/);
    expect(text).toMatch(/Parent chain:\s+.*base\.vhd/);
  });

  it('check exits 0 when clean, 1 with problems (listed), 2 when unusable; --repair fixes', () => {
    kaso(['disk', 'create', at('check.vhd'), '--size', '4M']);
    expect(kaso(['disk', 'check', at('check.vhd')]).status).toBe(0);
    truncateSync(at('check.vhd'), statSync(at('check.vhd')).size - 512);
    const problems = kaso(['disk', 'check', at('check.vhd')]);
    expect(problems.status).toBe(1);
    expect(problems.stdout).toMatch(/trailing footer is missing/);
    const repaired = kaso(['disk', 'check', at('check.vhd'), '--repair']);
    expect(repaired.status).toBe(0);
    expect(repaired.stdout).toMatch(/repaired: restored the trailing footer/);
    writeFileSync(at('garbage.vhd'), Buffer.alloc(4096, 0x41));
    const unusable = kaso(['disk', 'check', at('garbage.vhd'), '--json']);
    expect(unusable.status).toBe(2);
    expect(JSON.parse(unusable.stdout).status).toBe('unusable');
  });

  it('names the file and what is wrong in every error', () => {
    const missing = kaso(['disk', 'info', at('nope.vhd')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(at('nope.vhd'));
    writeFileSync(at('text.txt'), 'hello, not a disk\n'.repeat(100));
    expect(JSON.parse(kaso(['disk', 'info', at('text.txt'), '--json']).stdout).type).toBe('raw'); // as qemu-img says
    const notVhd = kaso(['disk', 'reparent', at('text.txt'), at('base.vhd'), '--json']);
    expect(notVhd.status).toBe(2);
    expect(notVhd.stderr).toMatch(/text\.txt: not a VHD file/);
    expect(JSON.parse(notVhd.stdout).error).toMatchObject({ code: 'NOT_VHD', file: at('text.txt') });
    const noSize = kaso(['disk', 'create', at('nosize.vhd')]);
    expect(noSize.status).toBe(2);
    expect(noSize.stderr).toMatch(/--type dynamic needs --size N/);
    const badSize = kaso(['disk', 'create', at('bad.vhd'), '--size', 'lots']);
    expect(badSize.stderr).toMatch(/"lots" is not a size/);
    expect(kaso(['disk', 'frobnicate']).status).toBe(2);
  });

  it('documents the exit codes in --help', () => {
    const help = kaso(['disk', 'check', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:[\s\S]*0\s+success[\s\S]*1\s+check found problems[\s\S]*2\s+the disk is unusable[\s\S]*130/);
  });

  it('Ctrl-C cancels a convert cleanly: exit 130, no output, no partial file', async () => {
    const source = at('big.img');
    writeFileSync(source, '');
    truncateSync(source, 16 * 1024 ** 3); // 16 GiB of holes: reading them all takes seconds
    const child = spawn(process.execPath, [kasoBin, 'disk', 'convert', source, at('big.vhd')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/big\.vhd: cancelled; nothing was left half-written/);
    expect(existsSync(at('big.vhd'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('kaso-partial'))).toEqual([]);
  });

  it('draws a progress bar with the time left on a terminal', async () => {
    const pty = await import('node-pty');
    const source = at('bar.img');
    writeFileSync(source, '');
    truncateSync(source, 1024 ** 3);
    const term = pty.spawn(process.execPath, [kasoBin, 'disk', 'convert', source, at('bar.vhd')], { cols: 120, rows: 10 });
    let screen = '';
    term.onData((d) => (screen += d));
    const exit = await new Promise<number>((r) => term.onExit((e) => r(e.exitCode)));
    expect(exit).toBe(0);
    expect(screen).toMatch(/Converting \[.*\] \d+% \| .* of 1\.00 GiB \| .* left/);
  });
});
