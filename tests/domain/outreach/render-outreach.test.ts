import { describe, expect, it } from '@jest/globals';
import { loadWhatsAppTemplates } from '../../../src/adapters/channels/whatsapp-cloud/templates.js';
import type { LocalDate } from '../../../src/domain/dates.js';
import type { CurrencyCode, Minor } from '../../../src/domain/money.js';
import { firstName, renderOutreach } from '../../../src/domain/outreach/render-outreach.js';
import { packageRoot } from '../../../src/main.js';

const templates = await loadWhatsAppTemplates(packageRoot);
const promise = {
  name: 'Ana',
  amount: { amount: 12_500_000 as Minor, currency: 'COP' as CurrencyCode },
  date: '2026-12-04' as LocalDate,
};

describe('outreach rendering', () => {
  it('sends WhatsApp Cloud the approved template with its variables in order', () => {
    const rendered = renderOutreach(
      templates,
      'promise_reminder',
      promise,
      'es-CO',
      'whatsapp-cloud',
    );
    expect(rendered.ok && rendered.content).toEqual({
      type: 'template',
      name: 'promise_reminder',
      language: 'es',
      variables: ['Ana', expect.stringContaining('125.000'), 'viernes, 4 de diciembre'],
    });
  });

  it('sends every other channel the same words as plain text', () => {
    const sms = renderOutreach(templates, 'promise_reminder', promise, 'es-CO', 'twilio-sms');
    expect(sms.ok && sms.content.type).toBe('text');
    expect(sms.ok && sms.text).toMatch(
      /^Hola Ana, te recordamos el pago de .*125\.000.* que acordamos para el /,
    );
    expect(sms.ok && sms.text).not.toMatch(/\{\{/);
  });

  it('speaks the debtor language', () => {
    const en = renderOutreach(
      templates,
      'account_reminder',
      { name: 'Bob', due_date: '2026-12-01' as LocalDate },
      'en-US',
      'telegram',
    );
    expect(en.ok && en.text).toMatch(/^Hi Bob, this is a reminder/);
    const pt = renderOutreach(
      templates,
      'account_reminder',
      { name: 'Bia', due_date: '2026-12-01' as LocalDate },
      'pt-BR',
      'whatsapp-cloud',
    );
    expect(pt.ok && pt.content.type === 'template' && pt.content.language).toBe('pt_BR');
  });

  it('offers the survey as choices 1-5 where the channel can show them', () => {
    const telegram = renderOutreach(
      templates,
      'satisfaction_survey',
      { name: 'Ana' },
      'es-CO',
      'telegram',
      true,
    );
    expect(
      telegram.ok &&
        telegram.content.type === 'choices' &&
        telegram.content.options.map((o) => o.id),
    ).toEqual(['survey:1', 'survey:2', 'survey:3', 'survey:4', 'survey:5']);
  });

  it('refuses, as a value, an unknown template or a missing variable', () => {
    expect(renderOutreach(templates, 'nope', promise, 'es-CO', 'twilio-sms')).toEqual({
      ok: false,
      reason: 'unknown template "nope"',
    });
    expect(
      renderOutreach(templates, 'promise_reminder', { name: 'Ana' }, 'es-CO', 'twilio-sms'),
    ).toEqual({
      ok: false,
      reason: 'template "promise_reminder" needs a value for amount',
    });
  });

  it('greets by first name only', () => {
    expect(firstName('  María José Pérez ')).toBe('María');
  });
});
