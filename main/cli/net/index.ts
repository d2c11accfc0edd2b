import { Command } from 'commander';
import { captureCommand, createCommand, deleteCommand, leasesCommand, listCommand, setCommand, showCommand } from './net-commands.js';

export const NET_EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    the host refused or the operation failed (a network by that name exists, the capture failed)
  2    the arguments are invalid (a bad subnet, a DHCP range outside it, a rule that does not read), or no
       network has that name
  130  cancelled with Ctrl-C`;

/** `kaso net list|show|create|set|delete|leases|capture`: the virtual networks from the command line. */
export function netCommand(): Command {
  const net = new Command('net').description('create, change and watch virtual networks (internal, host-only, NAT) through the running Kaso host');
  const subs = [listCommand(), showCommand(), createCommand(), setCommand(), deleteCommand(), leasesCommand(), captureCommand()];
  for (const s of subs) net.addCommand(s.option('--json', 'print as JSON').addHelpText('after', NET_EXIT_CODES_HELP));
  net.addHelpText(
    'after',
    '\nA network is named by its name (any case). VMs join one through their NICs: `kaso vm nic VM add --network NAME`.\nThe commands act on the running host (the app or `kaso serve`); when none runs, one starts in the background.',
  );
  return net;
}
