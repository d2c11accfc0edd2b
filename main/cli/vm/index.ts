import { Command } from 'commander';
import { VM_EXIT_CODES_HELP } from '../exit-codes.js';
import { nicCommand } from './nic-commands.js';
import { serialCommand } from './serial-command.js';
import { screenCommand, screenshotCommand, typeCommand } from './screen-commands.js';
import {
  actionCommand,
  cloneCommand,
  createCommand,
  deleteCommand,
  exportCommand,
  importCommand,
  listCommand,
  setCommand,
  showCommand,
  undoCommand,
} from './vm-commands.js';

export function vmCommand(): Command {
  const vm = new Command('vm').description('create, run and drive virtual machines (through the running Kaso host)');
  const subs = [
    listCommand(),
    createCommand(),
    showCommand(),
    setCommand(),
    nicCommand(),
    actionCommand('start', 'vm.start', 'start a VM (or resume it from its saved state)'),
    actionCommand('stop', 'vm.turnOff', 'turn a VM off at once (like pulling the plug; disks are flushed)'),
    actionCommand('shutdown', 'vm.shutdown', 'ask the guest to shut down (ACPI power button)'),
    actionCommand('pause', 'vm.pause', 'pause a running VM'),
    actionCommand('resume', 'vm.resume', 'resume a paused VM'),
    actionCommand('reset', 'vm.reset', 'reset a VM (like the reset button)'),
    actionCommand('save', 'vm.save', 'save the VM\'s state and stop it (it resumes there on the next start)'),
    actionCommand('ctrl-alt-del', 'vm.ctrlAltDel', 'send Ctrl+Alt+Del'),
    deleteCommand(),
    cloneCommand(),
    undoCommand(),
    importCommand(),
    exportCommand(),
    screenshotCommand(),
    screenCommand(),
    typeCommand(),
    serialCommand(),
  ];
  for (const s of subs) vm.addCommand(s.addHelpText('after', VM_EXIT_CODES_HELP));
  vm.addHelpText('after', '\nThe commands act on the running host (the app or `kaso serve`); when none runs, one starts in the background.');
  return vm;
}
