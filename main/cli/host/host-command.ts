import path from 'node:path';
import { Command } from 'commander';
import { ApiError } from '../../api/requests.js';
import { runAction } from '../command-runner.js';
import { ExitCode } from '../exit-codes.js';
import { HostClient } from './host-client.js';
import { readHostFile } from '../../host/host-file.js';

export function hostCommand(): Command {
  const host = new Command('host').description('the running Kaso host (the app, or a `kaso serve`)');
  host
    .command('status')
    .description('say whether a host runs, where, with how many VMs, and which engines it can run')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx) => {
        const found = await readHostFile();
        if (!found) {
          ctx.print({ running: false }, () => ['No Kaso host is running.']);
          return ExitCode.failed;
        }
        const client = await HostClient.connect({ start: false });
        const vms = await client.call('vm.list', {});
        const { engines } = await client.call('host.info', {});
        const active = vms.filter((v) => v.state !== 'off' && v.state !== 'saved' && v.state !== 'crashed').length;
        ctx.print({ running: true, url: found.url, pid: found.pid, started: found.started, vms: vms.length, running_vms: active, engines }, () => [
          `Kaso host running at ${found.url} (pid ${found.pid}, since ${found.started})`,
          `${vms.length} VMs, ${active} running`,
          ...engines.map((e) => `engine ${e.name}: ${e.available ? '' : 'not available: '}${e.description}`),
        ]);
      }),
    );
  host
    .command('set')
    .description("set the host's preferences")
    .option('--qemu <path|none>', 'the qemu-system-x86_64 to run ("none": look on PATH and where QEMU installs itself)')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx, o: { qemu?: string }) => {
        if (o.qemu === undefined) throw new ApiError('INVALID_INPUT', 'nothing to set: give --qemu PATH (or --qemu none)');
        const client = await HostClient.connect({ start: true });
        const info = await client.call('host.setPreferences', { qemuPath: o.qemu === 'none' ? null : path.resolve(o.qemu) });
        const qemu = info.engines.find((e) => e.name === 'qemu')!;
        ctx.print(info.preferences, () => [`QEMU: ${info.preferences.qemuPath ?? 'found on PATH'}`, `engine qemu: ${qemu.available ? '' : 'not available: '}${qemu.description}`]);
      }),
    );
  host
    .command('stop')
    .description('save the state of running VMs and stop the host')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx) => {
        const client = await HostClient.connect({ start: false });
        const r = await client.call('host.stop', {});
        ctx.print(r, () => [`Host stopping (${r.savedVms} running VMs saved).`]);
      }),
    );
  return host;
}
