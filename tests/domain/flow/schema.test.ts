import { describe, expect, it } from '@jest/globals';
import { FlowSchema, type FlowInput } from '../../../src/domain/flow/schema.js';
import { builtInMessageKeys, validateFlow } from '../../../src/domain/flow/validate.js';

const catalog: Record<string, string> = {
  hello: 'Hola {name}',
  ask: '¿Últimos 4 dígitos?',
  owe: 'Debes {balance}',
  rephrase: '¿Cómo?',
  bye: 'Chau',
  ...Object.fromEntries(builtInMessageKeys.map((key) => [key, key])),
};

const base: FlowInput = {
  id: 'mini',
  version: 3,
  start: 'greet',
  identity: { method: 'last4' },
  noMatch: { say: 'rephrase', escalateTo: 'bye' },
  steps: {
    greet: { public: true, say: ['hello', 'ask'], otherwise: 'verify' },
    verify: { public: true, actions: ['verify_identity'], outcomes: { verified: 'owe' } },
    owe: { actions: ['quote_balance'], say: ['owe'], on: { thanks: 'bye' } },
    bye: { public: true, say: ['bye'] },
  },
};

describe('FlowSchema', () => {
  it('applies defaults', () => {
    const flow = FlowSchema.parse(base);
    expect(flow.identity.maxAttempts).toBe(3);
    expect(flow.confidenceThreshold).toBe(0.6);
    expect(flow.noMatch.max).toBe(2);
    expect(flow.steps.owe?.public).toBe(false);
    expect(flow.steps.greet?.options).toEqual([]);
  });

  it('rejects unknown intents, outcomes and keys', () => {
    const result = FlowSchema.safeParse({
      ...base,
      globals: { affirm: 'bye' },
      steps: {
        ...base.steps,
        owe: { on: { pay_now: 'bye' }, outcomes: { done: 'bye' }, sayy: [] },
      },
    });
    expect(result.success).toBe(false);
    const found = result.error?.issues.map((issue) => [
      issue.path.join('.'),
      issue.code === 'unrecognized_keys' ? issue.keys : [],
    ]);
    expect(found).toEqual([
      ['globals', ['affirm']],
      ['steps.owe.on', ['pay_now']],
      ['steps.owe.outcomes', ['done']],
      ['steps.owe', ['sayy']],
    ]);
  });
});

describe('validateFlow', () => {
  it('accepts a consistent flow', () => {
    expect(validateFlow(FlowSchema.parse(base), { es: catalog, en: catalog })).toEqual([]);
  });

  it('finds unknown targets, missing messages, leaks and `next` loops', () => {
    const flow = FlowSchema.parse({
      ...base,
      start: 'nowhere',
      steps: {
        ...base.steps,
        greet: { public: true, say: ['hello', 'owe', 'missing'], next: 'loop' },
        loop: { public: true, next: 'greet' },
      },
      globals: { dispute: 'owe' },
    });
    const issues = validateFlow(flow, {
      es: catalog,
      en: { ...catalog, hello: undefined as unknown as string },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: ['start'], message: 'unknown step "nowhere"' },
        { path: ['steps', 'greet', 'say', 0], message: 'message "hello" is missing in en' },
        {
          path: ['steps', 'greet', 'say', 1],
          message:
            '"owe" uses debt variables (balance) in a public step, before identity is verified',
        },
        { path: ['steps', 'greet', 'say', 2], message: 'message "missing" is missing in es, en' },
        { path: ['steps', 'greet', 'next'], message: '`next` loops back to this step' },
        {
          path: ['globals', 'dispute'],
          message: 'step "owe" is reached before verification and must be public',
        },
      ]),
    );
  });
});
