import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import {
  flowJsonSchema,
  formatProblem,
  loadFlowBundle,
  type FlowProblem,
} from '../../../src/adapters/flows/load-flows.js';
import { AppError } from '../../../src/domain/errors.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

async function problemsOf(options: Parameters<typeof loadFlowBundle>[1]): Promise<string[]> {
  try {
    await loadFlowBundle(root, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('flow_invalid');
    return ((error as AppError).details as FlowProblem[]).map(formatProblem);
  }
  throw new Error('expected the bundle to be invalid');
}

const fixture = (name: string): { flowFiles: string[] } => ({
  flowFiles: [`tests/fixtures/flows/${name}.yaml`],
});

describe('loadFlowBundle', () => {
  it('loads the shipped flows, policy and locales cleanly', async () => {
    const bundle = await loadFlowBundle(root);
    expect(Object.keys(bundle.flows)).toEqual(['default']);
    expect(bundle.flows.default?.version).toBe(1);
    expect(Object.keys(bundle.catalogs).sort()).toEqual(['en', 'es-419', 'pt-BR']);
    expect(bundle.policy.rules.at(-1)?.id).toBe('default');
  });

  it('ships the same message keys in every locale', async () => {
    const { catalogs } = await loadFlowBundle(root);
    const keys = Object.values(catalogs).map((catalog) => Object.keys(catalog).sort());
    expect(keys[1]).toEqual(keys[0]);
    expect(keys[2]).toEqual(keys[0]);
  });

  it('reports an unknown target step at its line and column', async () => {
    expect(await problemsOf(fixture('unknown-step'))).toEqual([
      'tests/fixtures/flows/unknown-step.yaml:14:15: steps.verify.on.affirm: unknown step "balanse"',
    ]);
  });

  it('reports schema errors, unknown keys and bad durations with positions', async () => {
    expect(await problemsOf(fixture('schema-errors'))).toEqual([
      'tests/fixtures/flows/schema-errors.yaml:2:10: version: Invalid input: expected number, received string',
      'tests/fixtures/flows/schema-errors.yaml:10:32: steps.greet.actions[1]: unknown action "send_money"',
      'tests/fixtures/flows/schema-errors.yaml:11:5: steps.greet.colour: unknown key "colour"',
      'tests/fixtures/flows/schema-errors.yaml:14:23: steps.handoff.silence.after: an ISO 8601 duration like PT4H',
    ]);
  });

  it('reports a message key missing from the catalogs', async () => {
    expect(await problemsOf(fixture('missing-message'))).toEqual([
      'tests/fixtures/flows/missing-message.yaml:9:21: steps.greet.say[1]: message "identity.ask_nicely" is missing in en, es-419, pt-BR',
    ]);
  });

  it('refuses a public step that would disclose the debt before verification', async () => {
    expect(await problemsOf(fixture('leaks-before-verification'))).toEqual([
      'tests/fixtures/flows/leaks-before-verification.yaml:10:11: steps.greet.say[0]: "balance.summary" uses debt variables (product, creditor, balance, daysPastDue, nextAmount, nextDate) in a public step, before identity is verified',
      'tests/fixtures/flows/leaks-before-verification.yaml:9:15: steps.greet.actions[0]: public step cannot "quote_balance": identity is not verified yet',
    ]);
  });

  it('reports YAML syntax errors', async () => {
    expect(await problemsOf(fixture('bad-yaml'))).toEqual([
      'tests/fixtures/flows/bad-yaml.yaml:6:3: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports policy amounts and percents at their positions', async () => {
    expect(await problemsOf({ policyFile: 'tests/fixtures/flows/bad-policy.yaml' })).toEqual([
      'tests/fixtures/flows/bad-policy.yaml:5:28: rules[0].minInstallment.ARS: amount "10.000,00": not-a-number (write major units like "1500.00")',
      'tests/fixtures/flows/bad-policy.yaml:5:46: rules[0].minInstallment.XYZ: unknown currency "XYZ"',
      'tests/fixtures/flows/bad-policy.yaml:7:28: rules[0].minDownPaymentPercent: a percent between 0 and 100 with at most two decimals',
    ]);
  });

  it('reports a missing file', async () => {
    expect(await problemsOf(fixture('does-not-exist'))).toEqual([
      'tests/fixtures/flows/does-not-exist.yaml:1:1: file not found',
    ]);
  });
});

describe('flowJsonSchema', () => {
  it('describes the flow file for editors', () => {
    const schema = flowJsonSchema() as {
      type: string;
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(
      expect.arrayContaining(['id', 'version', 'start', 'identity', 'steps']),
    );
    expect(Object.keys(schema.properties)).toContain('globals');
  });
});

describe('closed sets in flows', () => {
  it('names unknown intents and non-global intents at the key', async () => {
    expect(await problemsOf(fixture('unknown-intent'))).toEqual([
      'tests/fixtures/flows/unknown-intent.yaml:7:3: globals.affirm: "affirm" is not a global intent (one of opt_out, talk_to_human, dispute, wrong_number, abuse, distress)',
      'tests/fixtures/flows/unknown-intent.yaml:13:7: steps.greet.on.pay_now: unknown intent "pay_now"',
    ]);
  });
});
