import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { registerFlows } from '../../../src/adapters/cli/flows.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

async function run(...args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  const program = new Command('cuota').exitOverride();
  registerFlows(program);
  let out = '';
  let err = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'cuota', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, exitCode };
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
