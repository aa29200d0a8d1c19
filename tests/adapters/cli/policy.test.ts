import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, cp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerPolicy } from '../../../src/adapters/cli/policy.js';
import { runProgram } from '../../support/cli-program.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function run(...args: string[]): ReturnType<typeof runProgram> {
  return runProgram(registerPolicy, args);
}

afterEach(() => {
  process.exitCode = 0;
});

describe('cuota policy', () => {
  it('checks the shipped policy files', async () => {
    const result = await run('policy', 'check', '--root', root);
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain('ok: default + 9 countries (AR, BR, CL, CO, EC, ES, MX, PE, US)');
  });

  it('explains a deferral: Christmas in Colombia waits for Saturday 08:00', async () => {
    const result = await run(
      'policy',
      'explain',
      '--root',
      root,
      '--country',
      'CO',
      '--timezone',
      'America/Bogota',
      '--channel',
      'whatsapp',
      '--purpose',
      'campaign',
      '--at',
      '2026-12-25T15:00:00Z',
      '--template',
    );
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain('decision: defer until 2026-12-26T13:00:00.000Z');
    expect(result.out).toContain('rule: holiday');
  });

  it('explains a denial after an opt-out', async () => {
    const result = await run(
      'policy',
      'explain',
      '--root',
      root,
      '--country',
      'CL',
      '--timezone',
      'America/Santiago',
      '--channel',
      'sms',
      '--purpose',
      'reminder',
      '--at',
      '2026-12-02T15:00:00Z',
      '--opt-out',
      'sms',
    );
    expect(result.out).toContain('rule: opt_out');
  });

  it('points at the line of a bad policy file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cuota-policy-'));
    try {
      await mkdir(path.join(dir, 'policies'), { recursive: true });
      await cp(path.join(root, 'policies', 'contact'), path.join(dir, 'policies', 'contact'), {
        recursive: true,
      });
      await writeFile(
        path.join(dir, 'policies', 'contact', 'cl.yaml'),
        'country: CL\nhours:\n  mon: ["20:00-08:00"]\n',
      );
      const result = await run('policy', 'check', '--root', dir);
      expect(result.exitCode).not.toBe(0);
      expect(result.err).toMatch(
        /policies\/contact\/cl\.yaml:3:\d+: hours\.mon\[0\]: the range must end after it starts/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
