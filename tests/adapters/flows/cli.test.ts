import { afterEach, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { registerFlows } from '../../../src/adapters/cli/flows.js';
import { runProgram } from '../../support/cli-program.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function run(...args: string[]): ReturnType<typeof runProgram> {
  return runProgram(registerFlows, args);
}

afterEach(() => {
  process.exitCode = 0;
});

describe('cuota flows', () => {
  it('validates the shipped flows', async () => {
    const result = await run('flows', 'validate', '--root', root);
    expect(result.exitCode).toBe(0);
    expect(result.out).toBe('ok: default@1; 3 policy rules; locales en, es-419, pt-BR\n');
  });

  it('exits 1 listing file:line:column errors', async () => {
    const result = await run(
      'flows',
      'validate',
      'tests/fixtures/flows/unknown-step.yaml',
      '--root',
      root,
    );
    expect(result.exitCode).toBe(1);
    expect(result.err).toBe(
      'tests/fixtures/flows/unknown-step.yaml:14:15: steps.verify.on.affirm: unknown step "balanse"\n',
    );
  });

  it('prints the JSON Schema', async () => {
    const result = await run('flows', 'schema');
    const schema = JSON.parse(result.out) as { $schema: string; type: string };
    expect(schema.type).toBe('object');
    expect(schema.$schema).toMatch(/json-schema/);
  });
});
