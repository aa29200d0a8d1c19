import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { formatNluReport, runNluEval } from '../../app/eval-nlu.js';

function parseRatio(value: string): number {
  const ratio = Number(value);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new InvalidArgumentError('expected a number between 0 and 1');
  }
  return ratio;
}

/**
 * Adds `eval nlu [--dir tests/nlu] [--json] [--min-accuracy 0.9]`: scores the rules
 * understander on the labelled dataset and exits 1 when intent accuracy is below the minimum.
 */
export function registerEvalNlu(program: Command): void {
  const evalCommand =
    program.commands.find((command) => command.name() === 'eval') ??
    program.command('eval').description('evaluate components against labelled data');
  evalCommand
    .command('nlu')
    .description('score the rules understander on the labelled utterances')
    .option('--dir <dir>', 'directory of labelled YAML files', 'tests/nlu')
    .option('--json', 'print the report as JSON')
    .option('--min-accuracy <ratio>', 'exit 1 when intent accuracy is below this', parseRatio, 0.9)
    .action(async (options: { dir: string; json?: boolean; minAccuracy: number }) => {
      const report = await runNluEval(options.dir);
      console.log(
        options.json === true ? JSON.stringify(report, null, 2) : formatNluReport(report),
      );
      if (report.intent.accuracy < options.minAccuracy) {
        console.error(
          `intent accuracy ${report.intent.accuracy} is below the minimum ${options.minAccuracy}`,
        );
        process.exitCode = 1;
      }
    });
}
