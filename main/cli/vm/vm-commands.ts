import { Argument, Command } from 'commander';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { JobInfo } from '../../api/jobs.js';
import { ApiError, type VmDetails } from '../../api/requests.js';
import { IDE_SLOT_LABELS, IDE_SLOTS, PRESETS } from '../../api/vm-settings.js';
import { STATE_LABELS, type VmSummary } from '../../api/vm-state.js';
import { runAction, type CommandContext } from '../command-runner.js';
import { HostClient } from '../host/host-client.js';
import { nicDetailLines } from '../net/net-format.js';
import { parseSize } from '../size.js';
import { addSettingsFlags, settingsFromFlags, type SettingsOptions } from './settings-flags.js';

/** Finds a VM by name or id through the host. */
export async function findVm(client: HostClient, nameOrId: string): Promise<VmSummary> {
  const all = await client.call('vm.list', {});
  const hit = all.find((v) => v.id === nameOrId) ?? all.find((v) => v.name.toLowerCase() === nameOrId.toLowerCase());
  if (!hit) throw new ApiError('NOT_FOUND', `no virtual machine named "${nameOrId}" (see \`kaso vm list\`)`);
  return hit;
}

function summaryLine(v: VmSummary): string {
  return `${v.name}: ${STATE_LABELS[v.state]}${v.engineStatus ? ` (${v.engineStatus})` : ''}${v.stateReason ? ` - ${v.stateReason}` : ''}`;
}

export function listCommand(): Command {
  return new Command('list')
    .description('list the virtual machines: a header line, then one VM a line, name first')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx) => {
        const client = await HostClient.connect();
        const vms = await client.call('vm.list', {});
        ctx.print(vms, () => table(vms));
      }),
    );
}

function table(vms: VmSummary[]): string[] {
  const rows = vms.map((v) => [v.name, STATE_LABELS[v.state], v.engineStatus ?? v.engine, `${v.memoryMiB} MiB`, v.comEndpoints.filter(Boolean).join(' ') || '-', v.id]);
  const head = ['NAME', 'STATE', 'ENGINE', 'MEMORY', 'COM PORTS', 'ID'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)];
}

export function createCommand(): Command {
  return addSettingsFlags(
    new Command('create')
      .description('create a virtual machine (a folder in the library holding its settings and disks)')
      .argument('<name>', 'the VM\'s name (also its folder\'s)')
      .option('--new-disk <size>', 'create a dynamically expanding disk of this size (e.g. 2G) as the primary master')
      .option('--json', 'print as JSON'),
  )
    .addHelpText('after', '\nExample: kaso vm create demo --memory 128 --cdrom guest.iso && kaso vm start demo')
    .action(
      runAction(async (ctx, name: string, o: SettingsOptions & { newDisk?: string }) => {
        const client = await HostClient.connect();
        const settings = { ...settingsFromFlags(o, null), name };
        const newDisk = o.newDisk ? { sizeMiB: Math.max(1, Math.ceil(parseSize(o.newDisk) / 1048576)) } : undefined;
        const vm = await client.call('vm.create', { settings, newDisk });
        ctx.print(vm, () => [`Created "${vm.name}" in ${vm.folder}`]);
      }),
    );
}

export function showCommand(): Command {
  return new Command('show')
    .description('show a VM\'s settings and state')
    .argument('<name>', 'VM name or id')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx, name: string) => {
        const client = await HostClient.connect();
        const vm = await client.call('vm.get', { id: (await findVm(client, name)).id });
        ctx.print(vm, () => details(vm));
      }),
    );
}

function details(vm: VmDetails): string[] {
  const s = vm.settings;
  const lines = [
    `Name:          ${vm.name}`,
    `State:         ${STATE_LABELS[vm.state]}${vm.stateReason ? ` (${vm.stateReason})` : ''}${vm.hasSavedState ? ', state saved' : ''}`,
    `OS preset:     ${PRESETS[s.osPreset].label}`,
    `Engine:        ${vm.engineStatus ?? s.engine}`,
    `Memory:        ${s.memoryMiB} MiB`,
    `CPU:           reserve ${s.cpu.reserve}%, maximum ${s.cpu.maximum}%, weight ${s.cpu.weight}`,
  ];
  for (const slot of IDE_SLOTS) {
    const d = s.ide[slot];
    if (d) lines.push(`${IDE_SLOT_LABELS[slot]}: ${d.kind === 'disk' ? d.path : `CD-ROM ${d.path ?? '(empty)'}`}`);
  }
  lines.push(`Floppy:        ${s.floppy ?? '(none)'}`, `Boot order:    ${s.bootOrder.join(', ')}`);
  if (s.undoDisks || vm.undoPending) lines.push(`Undo disks:    ${s.undoDisks ? 'on' : 'off'}${vm.undoPending ? ' (changes pending: kaso vm undo NAME commit|discard|keep)' : ''}`);
  if (s.kernel) lines.push(`Kernel:        ${s.kernel.kernel} ${s.kernel.initrd ?? ''} "${s.kernel.append}"`);
  s.com.forEach((c, i) => lines.push(`COM${i + 1}:          ${c.mode}${'path' in c ? ` ${c.path}` : ''}${vm.comEndpoints[i] ? ` -> ${vm.comEndpoints[i]}` : ''}`));
  lines.push(...nicDetailLines(s.nics));
  lines.push(`Folder:        ${vm.folder}`, `Id:            ${vm.id}`);
  if (s.notes) lines.push(`Notes:         ${s.notes}`);
  return lines;
}

export function setCommand(): Command {
  return addSettingsFlags(
    new Command('set').description('change a VM\'s settings (the VM must be off or saved)').argument('<name>', 'VM name or id').option('--json', 'print as JSON'),
  ).action(
    runAction(async (ctx, name: string, o: SettingsOptions) => {
      const client = await HostClient.connect();
      const current = await client.call('vm.get', { id: (await findVm(client, name)).id });
      const vm = await client.call('vm.update', { id: current.id, settings: settingsFromFlags(o, current.settings) });
      ctx.print(vm, () => [`Updated "${vm.name}"`]);
    }),
  );
}

/** start, stop, shutdown, pause, resume, reset, save: one request each, printing the new state. */
export function actionCommand(
  name: string,
  request: 'vm.start' | 'vm.turnOff' | 'vm.shutdown' | 'vm.pause' | 'vm.resume' | 'vm.reset' | 'vm.save' | 'vm.ctrlAltDel',
  description: string,
): Command {
  return new Command(name)
    .description(description)
    .argument('<name>', 'VM name or id')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx: CommandContext, vmName: string) => {
        const client = await HostClient.connect();
        const vm = await client.call(request, { id: (await findVm(client, vmName)).id });
        ctx.print(vm, () => [summaryLine(vm)]);
      }),
    );
}

export function deleteCommand(): Command {
  return new Command('delete')
    .description('delete a VM (it must be off or saved); asks whether to keep its disks')
    .argument('<name>', 'VM name or id')
    .option('--keep-disks', 'keep the VM\'s disk files')
    .option('--delete-disks', 'delete the disk files inside the VM\'s folder too')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nDisks outside the VM\'s folder are never deleted. Without a terminal, disks are kept unless --delete-disks.')
    .action(
      runAction(async (ctx, name: string, o: { keepDisks?: boolean; deleteDisks?: boolean }) => {
        const client = await HostClient.connect();
        const vm = await findVm(client, name);
        let keepDisks = !o.deleteDisks;
        if (!o.keepDisks && !o.deleteDisks && process.stdin.isTTY && !ctx.json) {
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          const answer = await rl.question(`Delete "${vm.name}". Also delete the disks in its folder? [y/N] `);
          rl.close();
          keepDisks = !/^y(es)?$/i.test(answer.trim());
        }
        const r = await client.call('vm.delete', { id: vm.id, keepDisks });
        ctx.print(r, () => [
          `Deleted "${vm.name}".`,
          ...r.deletedFiles.map((f) => `  deleted ${f}`),
          ...r.keptFiles.map((f) => `  kept    ${f}`),
        ]);
      }),
    );
}

export function cloneCommand(): Command {
  return new Command('clone')
    .description('make a new VM from this one: --linked (new differencing disks over a snapshot of it) or --full (standalone copies)')
    .argument('<vm>', 'VM name or id')
    .argument('<name>', 'the new VM\'s name')
    .option('--linked', 'share the source\'s disks as they are now (fast and small; the source keeps a snapshot for it)')
    .option('--full', 'copy every disk, flattened into standalone dynamic disks')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx, vmName: string, name: string, o: { linked?: boolean; full?: boolean }) => {
        if (Boolean(o.linked) === Boolean(o.full)) throw new ApiError('INVALID_INPUT', 'say --linked or --full');
        const client = await HostClient.connect();
        const source = await findVm(client, vmName);
        const watch = o.full ? watchJob(client, ctx, source.id, 'clone', `Cloning ${source.name}`) : null;
        const vm = await client.call('vm.clone', { id: source.id, name, mode: o.linked ? 'linked' : 'full' }).finally(() => watch?.stop());
        ctx.print(vm, () => [`Created "${vm.name}" in ${vm.folder}, a ${o.linked ? 'linked' : 'full'} clone of "${source.name}"`]);
      }),
    );
}

export function undoCommand(): Command {
  return new Command('undo')
    .description('end the undo disks\' session of a VM that is off: commit its changes into the disks, discard them, or keep them for the next start')
    .argument('<vm>', 'VM name or id')
    .addArgument(new Argument('<action>', 'what to do with the changes').choices(['commit', 'discard', 'keep']))
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx, vmName: string, action: 'commit' | 'discard' | 'keep') => {
        const client = await HostClient.connect();
        const vm = await client.call('vm.undo', { id: (await findVm(client, vmName)).id, action });
        const did = { commit: 'Committed the undo disks\' changes into', discard: 'Discarded the undo disks\' changes of', keep: 'Kept the undo disks\' changes of' }[action];
        ctx.print(vm, () => [`${did} "${vm.name}"`]);
      }),
    );
}

export function importCommand(): Command {
  return new Command('import')
    .description('bring in a Virtual PC / Virtual Server machine (FILE.vmc; its VHDs are used where they are) or a Kaso VM folder')
    .argument('<path>', 'a .vmc file, a Kaso VM folder, or its .kaso.json')
    .option('--name <name>', 'the VM\'s name (default: the .vmc\'s file name, or the one in the folder)')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx, file: string, o: { name?: string }) => {
        const client = await HostClient.connect();
        const r = await client.call('vm.import', { path: path.resolve(file), ...(o.name ? { name: o.name } : {}) });
        ctx.print(r, () => [`Imported "${r.vm.name}" (${r.vm.folder})`, ...r.warnings.map((w) => `  note: ${w}`)]);
      }),
    );
}

export function exportCommand(): Command {
  return new Command('export')
    .description('copy a VM, with every disk it uses, to DIR/NAME (for `kaso vm import` elsewhere)')
    .argument('<vm>', 'VM name or id')
    .argument('<dir>', 'the folder to put the copy in')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx, vmName: string, dir: string) => {
        const client = await HostClient.connect();
        const r = await client.call('vm.export', { id: (await findVm(client, vmName)).id, folder: path.resolve(dir) });
        ctx.print(r, () => [`Exported to ${r.folder}`]);
      }),
    );
}

/**
 * Shows a host job's progress as a bar, and turns Ctrl-C into a request to cancel it (the host removes what
 * the job made). The job is the first of `operation` on the VM that starts after this is called.
 */
function watchJob(client: HostClient, ctx: CommandContext, vmId: string, operation: JobInfo['operation'], label: string): { stop(): void } {
  const bar = ctx.progress(label, 'bytes');
  const events = client.events();
  let jobId: string | null = null;
  const cancel = () => {
    if (jobId) void client.call('job.cancel', { jobId }).catch(() => undefined);
  };
  ctx.signal.addEventListener('abort', cancel);
  events.on('message', (data) => {
    const m = JSON.parse(String(data)) as { event: string; payload: JobInfo };
    if (m.event !== 'job.changed' || m.payload.vmId !== vmId || m.payload.operation !== operation) return;
    jobId ??= m.payload.id;
    if (m.payload.id === jobId && m.payload.total > 0) bar.update(m.payload.done, m.payload.total);
  });
  events.on('error', () => undefined); // progress is a nicety: the request's answer is what counts
  return {
    stop() {
      ctx.signal.removeEventListener('abort', cancel);
      bar.stop();
      events.close();
    },
  };
}
