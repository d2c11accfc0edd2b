import { Command, CommanderError } from 'commander';
import { productVersion } from '../host/version.js';
import { diskCommand } from './disk/index.js';
import { hostCommand } from './host/host-command.js';
import { serveCommand } from './host/serve-command.js';
import { netCommand } from './net/index.js';
import { snapshotCommand } from './snapshot/index.js';
import { vmCommand } from './vm/index.js';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes.js';


export function buildProgram(): Command {
  const program = new Command('kaso')
    .description('Kaso (仮想): virtual machines, virtual disks and virtual networks')
    .version(productVersion())
    .showHelpAfterError()
    .exitOverride()
    .addCommand(diskCommand())
    .addCommand(vmCommand())
    .addCommand(snapshotCommand())
    .addCommand(netCommand())
    .addCommand(serveCommand())
    .addCommand(hostCommand());
  program.addHelpText('after', EXIT_CODES_HELP);
  for (const c of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // Help and version are successes; anything else commander rejects is a usage error.
    const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code);
    process.exitCode = ok ? ExitCode.ok : ExitCode.unusable;
  }
}

await main(process.argv);
