import { describe, expect, it } from '@jest/globals';
import { loadWhatsAppTemplates } from '../../../src/adapters/channels/whatsapp-cloud/templates.js';
import { loadStrategy, parseStrategy } from '../../../src/adapters/flows/load-strategy.js';
import { loadFlowBundle } from '../../../src/adapters/flows/load-flows.js';
import { AppError } from '../../../src/domain/errors.js';
import { planFor, templatesOf } from '../../../src/domain/outreach/strategy.js';
import { packageRoot } from '../../../src/main.js';

function problemsOf(text: string): string {
  try {
    parseStrategy(text, 'flows/lifecycle.yaml');
  } catch (error) {
    if (error instanceof AppError && error.code === 'flow_invalid') return error.message;
    throw error;
  }
  throw new Error('expected the strategy to be refused');
}

describe('the shipped outreach strategy', () => {
  it('loads, names only templates that exist and a flow that is loaded', async () => {
    const strategy = await loadStrategy(packageRoot);
    const templates = await loadWhatsAppTemplates(packageRoot);
    for (const name of templatesOf(strategy)) expect(templates.get(name)).toBeDefined();
    const bundle = await loadFlowBundle(packageRoot);
    expect(bundle.flows[strategy.flow]).toBeDefined();
    for (const step of strategy.nudge.steps)
      expect(Object.keys(bundle.flows[strategy.flow]!.steps)).toContain(step);
  });

  it('lets a segment replace the reminders and keeps the default channels', async () => {
    const strategy = await loadStrategy(packageRoot);
    expect(planFor(strategy, 'early').reminders.map((r) => r.id)).toEqual(['d-3', 'd0', 'd+3']);
    expect(planFor(strategy, 'early').channels).toEqual(strategy.channels);
    expect(planFor(strategy, 'unknown-segment').reminders).toBe(strategy.reminders);
  });
});

describe('a bad strategy file', () => {
  it('is refused with file, line and column', () => {
    const message = problemsOf(
      [
        'channels: [whatsapp, fax]',
        'flow: default',
        'reminders:',
        '  - { id: d-3, offsetDays: -3, template: account_reminder }',
        '  - { id: d-3, offsetDays: 0.5, template: account_reminder }',
        'promises: { template: promise_reminder, dayBefore: true, onTheDay: true, brokenTemplate: promise_broken }',
        'installments: { template: installment_reminder, dayBefore: true, onTheDay: true }',
        'payments: { template: payment_received }',
        'nudge: { afterHours: 6, template: conversation_nudge, steps: [menu] }',
      ].join('\n'),
    );
    expect(message).toContain('flows/lifecycle.yaml:1:');
    expect(message).toContain('channels.1');
    expect(message).toMatch(/flows\/lifecycle\.yaml:5:\d+: reminders\.1\.offsetDays/);
  });

  it('refuses two reminders with one id (the id is part of the idempotency key)', () => {
    const message = problemsOf(
      [
        'channels: [whatsapp]',
        'flow: default',
        'reminders:',
        '  - { id: d-3, offsetDays: -3, template: account_reminder }',
        '  - { id: d-3, offsetDays: 0, template: account_reminder }',
        'promises: { template: promise_reminder, dayBefore: true, onTheDay: true, brokenTemplate: promise_broken }',
        'installments: { template: installment_reminder, dayBefore: true, onTheDay: true }',
        'payments: { template: payment_received }',
        'nudge: { afterHours: 6, template: conversation_nudge, steps: [menu] }',
      ].join('\n'),
    );
    expect(message).toMatch(
      /flows\/lifecycle\.yaml:5:\d+: reminders\.1\.id: duplicate reminder id "d-3"/,
    );
  });

  it('reports YAML syntax errors at their line', () => {
    expect(problemsOf('channels: [whatsapp\nflow: x')).toMatch(
      /^invalid outreach strategy \(\d+ problems?\):\nflows\/lifecycle\.yaml:\d+:\d+: /,
    );
  });
});
