import { Command } from 'commander';
import { ApiError } from '../../api/requests.js';
import { decodeConsoleMessage, encodeConsoleMessage } from '../../console/codec.js';
import type { ConsoleFromVm } from '../../api/console.js';
import { runAction, type CommandContext } from '../command-runner.js';
import { ExitCode } from '../exit-codes.js';
import { HostClient } from '../host/host-client.js';
import { findVm } from './vm-commands.js';

interface SerialOptions {
  port: string;
  send?: string;
  expect?: string;
  timeout: string;
  json?: boolean;
}

export function serialCommand(): Command {
  return new Command('serial')
    .description('talk to a guest\'s serial port: interactive, or for scripts with --send and --expect')
    .argument('<name>', 'VM name or id')
    .option('--port <n>', 'COM port: 1 or 2', '1')
    .option('--send <text>', 'send this line (Enter appended)')
    .option('--expect <regex>', 'wait until what the guest sends (after --send) matches; print it')
    .option('--timeout <seconds>', 'give up waiting after this long (exit 1)', '30')
    .option('--json', 'print as JSON')
    .addHelpText(
      'after',
      `
Interactive: your terminal is connected to the port until you press Ctrl-] (like telnet).
Scripted: kaso vm serial demo --send 'uname -a' --expect 'Linux.*\\n' --timeout 10`,
    )
    .action(
      runAction(async (ctx, name: string, o: SerialOptions) => {
        const port = Number(o.port);
        if (port !== 1 && port !== 2) throw new ApiError('INVALID_INPUT', '--port: use 1 or 2');
        const client = await HostClient.connect();
        const id = (await findVm(client, name)).id;
        if (o.send === undefined && o.expect === undefined) return interactive(client, id, port);
        return scripted(ctx, client, id, port, o);
      }),
    );
}

async function scripted(ctx: CommandContext, client: HostClient, id: string, port: 1 | 2, o: SerialOptions): Promise<number> {
  const start = await client.call('vm.serialRead', { id, port, since: Number.MAX_SAFE_INTEGER });
  let since = start.next;
  if (o.send !== undefined) await client.call('vm.serialWrite', { id, port, data: `${o.send}\r` });
  if (o.expect === undefined) return ExitCode.ok;
  let pattern: RegExp;
  try {
    pattern = new RegExp(o.expect);
  } catch (e) {
    throw new ApiError('INVALID_INPUT', `--expect: ${(e as Error).message}`);
  }
  const deadline = Date.now() + Number(o.timeout) * 1000;
  let received = '';
  while (Date.now() < deadline) {
    const chunk = await client.call('vm.serialRead', { id, port, since });
    since = chunk.next;
    received += Buffer.from(chunk.data, 'base64').toString('latin1');
    const m = pattern.exec(received);
    if (m) {
      ctx.print({ matched: true, output: received, match: m[0] }, () => [received.replace(/\r/g, '')]);
      return ExitCode.ok;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  ctx.print({ matched: false, output: received }, () => [received.replace(/\r/g, '')]);
  process.stderr.write(`kaso: timed out after ${o.timeout} s waiting for /${o.expect}/ on COM${port}\n`);
  return ExitCode.failed;
}

async function interactive(client: HostClient, id: string, port: 1 | 2): Promise<number> {
  const history = await client.call('vm.serialRead', { id, port, since: 0 });
  process.stdout.write(Buffer.from(history.data, 'base64'));
  const ws = client.console(id);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  process.stderr.write(`[connected to COM${port}; Ctrl-] to leave]\r\n`);
  ws.on('message', (data) => {
    const msg = decodeConsoleMessage<ConsoleFromVm>(new Uint8Array(data as Buffer));
    if (msg.t === 'serial' && msg.port === port) process.stdout.write(msg.data);
  });
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  return new Promise((resolve) => {
    const leave = () => {
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      ws.close();
      process.stdin.pause();
      resolve(ExitCode.ok);
    };
    process.stdin.on('data', (d: Buffer) => {
      if (d.includes(0x1d)) return leave(); // Ctrl-]
      ws.send(encodeConsoleMessage({ t: 'serial', port, data: new Uint8Array(d) }));
    });
    process.stdin.on('end', leave);
    ws.on('close', () => leave());
  });
}
