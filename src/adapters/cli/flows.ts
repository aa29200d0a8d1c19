/**
 * `cuota flows validate [file]` and `cuota flows schema`: strategists check a flow before it
 * ships, and editors get a JSON Schema for completion.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../domain/errors.js';
import {
  flowJsonSchema,
  formatProblem,
  loadFlowBundle,
  type FlowProblem,
} from '../flows/load-flows.js';

export function registerFlows(program: Command): void {
  const flows = program
    .command('flows')
    .description('Validate conversation flows and print their schema');

  flows
    .command('validate')
    .description('Validate flows/*.yaml (or one flow file), flows/policy.yaml and locales/*')
    .argument('[file]', 'a single flow file to validate (with the locales and policy of --root)')
    .option('--root <dir>', 'the directory holding flows/ and locales/', process.cwd())
    .action(async (file: string | undefined, options: { root: string }) => {
      try {
        const bundle = await loadFlowBundle(
          options.root,
          // The file is named relative to where the command runs; errors print it relative to root.
          file === undefined ? {} : { flowFiles: [path.resolve(file)] },
        );
        const ids = Object.values(bundle.flows).map((flow) => `${flow.id}@${flow.version}`);
        process.stdout.write(
          `ok: ${ids.join(', ')}; ${bundle.policy.rules.length} policy rules; locales ${Object.keys(bundle.catalogs).join(', ')}\n`,
        );
      } catch (error) {
        if (error instanceof AppError && error.code === 'flow_invalid') {
          const problems = error.details as FlowProblem[];
          process.stderr.write(`${problems.map(formatProblem).join('\n')}\n`);
          process.exitCode = 1;
          return;
        }
        throw error;
      }
    });

  flows
    .command('schema')
    .description('Print the JSON Schema of a flow file')
    .action(() => {
      process.stdout.write(`${JSON.stringify(flowJsonSchema(), null, 2)}\n`);
    });
}
