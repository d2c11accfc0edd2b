import { Command } from 'commander';
import { EXIT_CODES_HELP } from '../exit-codes.js';
import { checkCommand } from './check-command.js';
import { convertCommand } from './convert-command.js';
import { createCommand } from './create-command.js';
import { infoCommand } from './info-command.js';
import { compactCommand, expandCommand, mergeCommand, reparentCommand } from './maintain-commands.js';

export function diskCommand(): Command {
  const disk = new Command('disk').description('create, inspect, check, convert and maintain virtual hard disks (VHD)');
  for (const sub of [createCommand(), infoCommand(), checkCommand(), convertCommand(), compactCommand(), mergeCommand(), expandCommand(), reparentCommand()])
    disk.addCommand(sub.addHelpText('after', EXIT_CODES_HELP));
  disk.addHelpText('after', EXIT_CODES_HELP);
  return disk;
}
