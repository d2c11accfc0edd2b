import { Argument, Command, Option } from 'commander';
import { MacSchema, MAX_NICS, NIC_MODELS, randomMac, type Nic, type NicModel } from '../../api/networks.js';
import { ApiError, type VmDetails } from '../../api/requests.js';
import { runAction, type CommandContext } from '../command-runner.js';
import { HostClient } from '../host/host-client.js';
import { itemNumber, relabel } from '../net/net-flags.js';
import { nicText, table } from '../net/net-format.js';
import { findVm } from './vm-commands.js';

const ACTIONS = ['list', 'add', 'set', 'remove'] as const;
type NicAction = (typeof ACTIONS)[number];

interface NicOptions {
  network?: string;
  mac?: string;
  model?: NicModel;
}

/**
 * `kaso vm nic VM list|add|set N|remove N`: a VM's network adapters (at most four, numbered from 1 in PCI
 * order). Changes go through vm.update, so the host checks them as it checks the Settings dialog's: each
 * network must exist, each MAC be unique in the library, and only cables may move while the VM runs.
 */
export function nicCommand(): Command {
  return new Command('nic')
    .description(`list, add, change and remove a VM's network adapters (at most ${MAX_NICS})`)
    .usage('<vm> list | add [--network NAME] [--mac MAC] [--model ne2k|virtio] | set <n> [--network NAME|none] [--mac MAC] [--model ne2k|virtio] | remove <n>')
    .argument('<vm>', 'VM name or id')
    .addArgument(new Argument('[action]', 'what to do').choices(ACTIONS).default('list'))
    .argument('[n]', 'the NIC\'s number, from 1 (set, remove)')
    .option('--network <name|none>', 'the network the NIC\'s cable goes to ("none": not connected)')
    .option('--mac <mac>', 'the NIC\'s MAC address (add: a new random one unless given)')
    .addOption(new Option('--model <model>', 'the adapter the guest sees (add: ne2k unless given)').choices(NIC_MODELS))
    .option('--json', 'print as JSON')
    .addHelpText(
      'after',
      `
NE2000 (ne2k) works with every guest; virtio is faster where the guest has a driver. A NIC's cable
(--network) can move while the VM runs; adding or removing a NIC, or changing its model or MAC, needs the VM
off. Removing a NIC renumbers the ones after it.

Examples:
  kaso vm nic demo add --network Lab
  kaso vm nic demo set 1 --network none
  kaso vm nic demo remove 2`,
    )
    .action(
      runAction(async (ctx, vmName: string, action: NicAction, n: string | undefined, o: NicOptions) => {
        const wantsNumber = action === 'set' || action === 'remove';
        if (wantsNumber && n === undefined) throw new ApiError('INVALID_INPUT', `${action} needs the NIC's number (see \`kaso vm nic ${vmName} list\`)`);
        if (!wantsNumber && n !== undefined) throw new ApiError('INVALID_INPUT', `${action} takes no NIC number ("${n}")`);
        const given = (['network', 'mac', 'model'] as const).filter((k) => o[k] !== undefined);
        if ((action === 'list' || action === 'remove') && given.length) throw new ApiError('INVALID_INPUT', `--${given[0]}: ${action} takes no settings (use add or set)`);
        if (action === 'set' && given.length === 0) throw new ApiError('INVALID_INPUT', 'set: say what to change (--network, --mac or --model)');
        const client = await HostClient.connect();
        const vm = await client.call('vm.get', { id: (await findVm(client, vmName)).id });
        const nics = vm.settings.nics;
        if (action === 'list') return ctx.print(nics, () => listLines(vm));
        if (action === 'add') return add(ctx, client, vm, o);
        const index = itemNumber(n!, nics.length, 'NIC', action);
        if (action === 'remove') {
          const updated = await update(client, vm, nics.filter((_, i) => i !== index), -1);
          return ctx.print(updated.settings.nics, () => [
            `Removed NIC ${index + 1} (${nicText(nics[index]!)}) from "${vm.name}"`,
            ...(index < nics.length - 1 ? ['The NICs after it moved up one number:', ...listLines(updated).map((l) => `  ${l}`)] : []),
          ]);
        }
        const nic: Nic = { ...nics[index]!, ...(await changes(client, o)) };
        const updated = await update(client, vm, nics.map((x, i) => (i === index ? nic : x)), index);
        ctx.print(updated.settings.nics[index], () => [`NIC ${index + 1} of "${vm.name}": ${nicText(updated.settings.nics[index]!)}`]);
      }),
    );
}

async function add(ctx: CommandContext, client: HostClient, vm: VmDetails, o: NicOptions): Promise<void> {
  const nics = vm.settings.nics;
  if (nics.length >= MAX_NICS)
    throw new ApiError('INVALID_INPUT', `"${vm.name}" already has ${nics.length} NICs, the most a VM can have; remove one first (kaso vm nic "${vm.name}" remove N)`);
  const c = await changes(client, o);
  for (let attempt = 0; ; attempt++) {
    const nic: Nic = { model: c.model ?? 'ne2k', network: c.network ?? null, mac: c.mac ?? newMac(nics) };
    try {
      const updated = await update(client, vm, [...nics, nic], nics.length);
      const added = updated.settings.nics[nics.length]!;
      return ctx.print(added, () => [`Added NIC ${nics.length + 1} to "${vm.name}": ${nicText(added)}`]);
    } catch (e) {
      // A random MAC that another VM happens to hold: draw again (the host is the judge of uniqueness).
      const taken = e instanceof ApiError && e.field === `nics.${nics.length}.mac`;
      if (!taken || c.mac || attempt >= 3) throw e;
    }
  }
}

function newMac(nics: Nic[]): string {
  for (;;) {
    const mac = randomMac();
    if (!nics.some((n) => n.mac === mac)) return mac;
  }
}

/** The flags as NIC fields: the MAC checked, the network's name as the host spells it. */
async function changes(client: HostClient, o: NicOptions): Promise<Partial<Nic>> {
  const c: Partial<Nic> = {};
  if (o.model) c.model = o.model;
  if (o.mac !== undefined) {
    const r = MacSchema.safeParse(o.mac);
    if (!r.success) throw new ApiError('INVALID_INPUT', `--mac: "${o.mac}": ${r.error.issues[0]!.message}`);
    c.mac = r.data;
  }
  if (o.network !== undefined) {
    if (o.network.trim().toLowerCase() === 'none') c.network = null;
    else {
      const net = await client.call('net.get', { name: o.network }).catch((e: unknown) => {
        if (e instanceof ApiError && (e.code === 'NOT_FOUND' || e.code === 'INVALID_INPUT'))
          throw new ApiError(e.code, `--network: there is no virtual network named "${o.network}" (see \`kaso net list\`)`, 'network');
        throw e;
      });
      c.network = net.settings.name;
    }
  }
  return c;
}

/**
 * vm.update with the new NICs; the host's field names become the flags (for the NIC at `edited`, the one the
 * flags describe) or the NIC numbers a user knows.
 */
async function update(client: HostClient, vm: VmDetails, nics: Nic[], edited: number): Promise<VmDetails> {
  try {
    return await client.call('vm.update', { id: vm.id, settings: { nics } });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'CONFLICT' && /^cannot change the settings/.test(e.message))
      throw new ApiError(e.code, `${e.message} (a NIC's --network can change while it runs; adding or removing a NIC, or changing its model or MAC, needs it off)`);
    return relabel(e, (field) => {
      const m = /^nics(?:\.(\d+)(?:\.(\w+))?)?$/.exec(field);
      if (!m) return null;
      if (m[1] === undefined) return '';
      const i = Number(m[1]);
      return i === edited && m[2] ? `--${m[2]}` : `NIC ${i + 1}`;
    });
  }
}

function listLines(vm: VmDetails): string[] {
  const nics = vm.settings.nics;
  if (nics.length === 0) return [`"${vm.name}" has no NICs. Add one: kaso vm nic "${vm.name}" add --network NAME`];
  return table(
    ['NIC', 'MODEL', 'MAC', 'NETWORK'],
    nics.map((n, i) => [String(i + 1), n.model, n.mac, n.network ?? 'not connected']),
  );
}
