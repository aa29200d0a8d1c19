import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { useCliEnvironment, type CliRun } from '../../support/cli.js';

const cli = useCliEnvironment('cuota-cli-converse-');

function cuota(...args: string[]): Promise<CliRun> {
  return cli.run(args);
}

function converse(args: string[], input: string): Promise<CliRun> {
  return cli.run(['converse', ...args], input);
}

describe('cuota converse', () => {
  beforeAll(async () => {
    expect(
      (await cuota('demo-data', '--accounts', '3', '--out', path.join(cli.dir, 'demo.csv'))).code,
    ).toBe(0);
    expect((await cuota('import', path.join(cli.dir, 'demo.csv'))).code).toBe(0);
  });

  it('prints one JSON line per debtor line, with intent, step and actions, on a fixed clock', async () => {
    const run = await converse(
      ['--account', 'DEMO-0001', '--now', '2026-11-24T15:00:00Z'],
      'hola\n1234\n\npuedo pagar en 3 cuotas\nsí\n',
    );
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.in)).toEqual(['hola', '1234', 'puedo pagar en 3 cuotas', 'sí']);
    for (const line of lines)
      expect(Object.keys(line).sort()).toEqual(
        ['actions', 'confidence', 'entities', 'in', 'intent', 'replies', 'step'].sort(),
      );
    expect(lines[0]!.replies).not.toEqual([]);
    expect(JSON.stringify(lines[0])).not.toContain('1.250.000');
    expect((lines[1]!.actions as { type: string }[]).map((a) => a.type)).toEqual([
      'identity_verified',
      'balance_disclosed',
    ]);
    expect(lines[2]).toMatchObject({ intent: 'propose_plan', entities: { installmentCount: 3 } });
    const created = (
      lines[3]!.actions as {
        type: string;
        installments: { amount: number; dueDate: string }[];
        total: number;
        currency: string;
      }[]
    ).find((a) => a.type === 'plan_created')!;
    expect(created).toMatchObject({ total: 125000000, currency: 'COP' });
    expect(created.installments).toHaveLength(3);
    expect(created.installments.reduce((sum, i) => sum + i.amount, 0)).toBe(125000000);
    expect(created.installments[0]!.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('holds the conversation in the requested locale', async () => {
    const run = await converse(
      ['--account', 'DEMO-0001', '--now', '2026-11-24T15:00:00Z', '--locale', 'en'],
      'hello\n',
    );
    expect(run.code).toBe(0);
    expect(JSON.stringify(JSON.parse(run.stdout.trim()))).toMatch(/last 4 digits/i);
  });

  it('refuses bad arguments with a clear message', async () => {
    const badNow = await converse(['--account', 'DEMO-0001', '--now', 'tomorrow'], '');
    expect(badNow.code).not.toBe(0);
    expect(badNow.stderr).toMatch(/--now must be an ISO 8601 instant/);
    const unknown = await converse(['--account', 'NOPE-1'], 'hola\n');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no account with ref NOPE-1/);
  });
});
