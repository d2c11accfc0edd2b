import { Command } from 'commander';
import { checkDisk, type CheckReport } from '../../disk/index.js';
import { runAction } from '../command-runner.js';
import { ExitCode } from '../exit-codes.js';

export function checkCommand(): Command {
  return new Command('check')
    .description('check a disk for damage: footers, checksums, header, block table, bitmaps, locators, parent')
    .argument('<file>', 'the disk to check')
    .option('--repair', 'fix what can be fixed without guessing (a lost or stale footer, unused space at the end)')
    .option('--json', 'print the report as JSON')
    .action(
      runAction(async (ctx, file: string, o: { repair?: boolean }) => {
        const report = await checkDisk(file, { repair: o.repair });
        ctx.print(report, () => reportLines(report));
        return report.status === 'clean' ? ExitCode.ok : report.status === 'problems' ? ExitCode.failed : ExitCode.unusable;
      }),
    );
}

function reportLines(r: CheckReport): string[] {
  const lines = r.repaired.map((x) => `repaired: ${x}`);
  for (const f of r.findings) lines.push(`${f.severity}: ${f.message}${f.repair ? ` (--repair: ${f.repair})` : ''}`);
  const verdict = { clean: 'is clean', problems: 'has problems', unusable: 'is unusable' }[r.status];
  lines.push(`${r.path} ${verdict}.`);
  return lines;
}
