import { Command } from 'commander';
import { ApiError } from '../../api/requests.js';
import { HostService } from '../../host/host-service.js';
import { kasoHome } from '../../host/paths.js';
import { startWebHost } from '../../web/web-host.js';
import { runAction } from '../command-runner.js';
import { readHostFile, removeHostFile, writeHostFile } from '../../host/host-file.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the Kaso host headless and serve the console on the web (like Virtual Server\'s Administration Website)')
    .option('--host <address>', 'address to listen on (loopback unless you say otherwise)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', '8086')
    .option('--quiet', 'print nothing (the CLI starts background hosts this way)')
    .addHelpText(
      'after',
      `
The host prints an address with a token; every request and socket must carry that token. It keeps running
until Ctrl-C or \`kaso host stop\`, which first save the state of every running VM.`,
    )
    .action(
      runAction(async (_ctx, o: { host: string; port: string; quiet?: boolean }) => {
        const running = await readHostFile();
        if (running) throw new ApiError('CONFLICT', `a Kaso host already runs at ${running.url} (pid ${running.pid}); stop it with \`kaso host stop\``);
        const port = Number(o.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ApiError('INVALID_INPUT', `--port: "${o.port}" is not a port number`);
        const service = await HostService.create(kasoHome());
        const web = await startWebHost(service, { host: o.host, port });
        await writeHostFile({ url: web.url, token: web.token, pid: process.pid, started: new Date().toISOString() });
        if (!o.quiet) {
          process.stdout.write(`Kaso host running. Open the console at:\n\n  ${web.loginUrl}\n\n`);
          if (!['127.0.0.1', 'localhost', '::1'].includes(o.host))
            process.stdout.write(`Warning: listening on ${o.host}: anyone who can reach it and has the token controls your VMs.\n`);
          process.stdout.write('Ctrl-C stops the host (saving the state of running VMs).\n');
        }
        await new Promise<void>((resolve) => {
          let stopping = false;
          const stop = () => {
            if (stopping) return;
            stopping = true;
            if (!o.quiet) process.stdout.write('Saving running VMs and stopping...\n');
            void service.saveAll().finally(resolve);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
          service.on('stop-requested', stop);
        });
        await web.close();
        await removeHostFile();
        process.exit(0);
      }),
    );
}
