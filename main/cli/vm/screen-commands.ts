import { Command } from 'commander';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../api/requests.js';
import { runAction } from '../command-runner.js';
import { HostClient } from '../host/host-client.js';
import { findVm } from './vm-commands.js';

export function screenshotCommand(): Command {
  return new Command('screenshot')
    .description('save the guest\'s screen as a PNG')
    .argument('<name>', 'VM name or id')
    .argument('<file>', 'the PNG file to write')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx, name: string, file: string) => {
        const client = await HostClient.connect();
        const shot = await client.call('vm.screenshot', { id: (await findVm(client, name)).id });
        const out = path.resolve(file);
        await fs.writeFile(out, Buffer.from(shot.png, 'base64'));
        ctx.print({ file: out, width: shot.width, height: shot.height }, () => [`Saved ${shot.width}x${shot.height} screenshot to ${out}`]);
      }),
    );
}

export function screenCommand(): Command {
  return new Command('screen')
    .description('print the guest\'s screen')
    .argument('<name>', 'VM name or id')
    .option('--text', 'the text-mode screen as text (the only form so far)')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx, name: string) => {
        const client = await HostClient.connect();
        const screen = await client.call('vm.textScreen', { id: (await findVm(client, name)).id });
        if (screen.mode === 'graphics' && !ctx.json)
          throw new ApiError('CONFLICT', 'the guest is in a graphics mode: use `kaso vm screenshot` for a picture');
        ctx.print(screen, () => screen.rows);
      }),
    );
}

export function typeCommand(): Command {
  return new Command('type')
    .description('type text on the guest\'s keyboard (US layout); \\n is Enter')
    .argument('<name>', 'VM name or id')
    .argument('<text>', 'the text to type')
    .option('--keys <chords...>', 'send keys by name instead, e.g. Enter F1 ControlLeft+AltLeft+Delete')
    .option('--json', 'print as JSON')
    .action(
      runAction(async (ctx, name: string, text: string, o: { keys?: string[] }) => {
        const client = await HostClient.connect();
        const id = (await findVm(client, name)).id;
        if (o.keys) {
          const r = await client.call('vm.sendKeys', { id, codes: o.keys });
          ctx.print(r, () => [`Sent ${r.sent} keys`]);
          return;
        }
        const r = await client.call('vm.typeText', { id, text: text.replace(/\\n/g, '\n') });
        ctx.print(r, () => [`Typed ${r.typed} characters`]);
      }),
    );
}
