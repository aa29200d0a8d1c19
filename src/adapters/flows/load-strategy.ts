import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';
import { OutreachStrategySchema, type OutreachStrategy } from '../../domain/outreach/strategy.js';
import { parseYamlFile } from './yaml-file.js';

/** Where the outreach strategy lives, relative to the content root. */
export const strategyFile = path.join('flows', 'lifecycle.yaml');

/** Parses and validates an outreach strategy; errors name file, line and column. */
export function parseStrategy(text: string, file: string): OutreachStrategy {
  return parseYamlFile(text, file, OutreachStrategySchema, 'outreach strategy');
}

/** Reads `flows/lifecycle.yaml` (or `file`) under `rootDir`. */
export async function loadStrategy(
  rootDir: string,
  file: string = strategyFile,
): Promise<OutreachStrategy> {
  const text = await readFile(path.resolve(rootDir, file), 'utf8').catch((cause: unknown) => {
    throw new AppError('flow_invalid', `${file}: cannot read the outreach strategy`, { cause });
  });
  return parseStrategy(text, file.split(path.sep).join('/'));
}
