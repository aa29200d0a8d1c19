import { describe, expect, it } from '@jest/globals';
import {
  loadWhatsAppTemplates,
  parseWhatsAppTemplates,
} from '../../../../src/adapters/channels/whatsapp-cloud/templates.js';
import { AppError } from '../../../../src/domain/errors.js';
import { renderWhatsApp } from '../../../../src/domain/messaging/render-whatsapp.js';

const fixtureDir = new URL('../../../fixtures/whatsapp-cloud/', import.meta.url).pathname;

function problemsOf(text: string): string {
  try {
    parseWhatsAppTemplates(text, 'flows/whatsapp-templates.yaml');
  } catch (error) {
    if (error instanceof AppError && error.code === 'flow_invalid') return error.message;
    throw error;
  }
  throw new Error('expected the templates to be refused');
}

describe('the shipped WhatsApp templates', () => {
  it('load and validate: utility templates in es, en and pt_BR', async () => {
    const registry = await loadWhatsAppTemplates(fixtureDir, 'whatsapp-templates.yaml');
    expect(registry.templates.map((t) => t.name)).toEqual([
      'account_reminder',
      'promise_reminder',
      'payment_received',
    ]);
    for (const template of registry.templates) {
      expect(template.category).toBe('utility');
      expect(Object.keys(template.languages).sort()).toEqual(['en', 'es', 'pt_BR']);
      for (const language of Object.keys(template.languages)) {
        const variables = template.variables.map((v) => `${v} value`);
        expect(
          registry.check({ type: 'template', name: template.name, language, variables }),
        ).toEqual({ ok: true });
        expect(
          renderWhatsApp({ type: 'template', name: template.name, language, variables }, 'es').ok,
        ).toBe(true);
      }
    }
  });
});

describe('parseWhatsAppTemplates', () => {
  it('reports placeholders that do not match the variables, with the line', () => {
    const message = problemsOf(
      [
        'templates:',
        '  - name: account_reminder',
        '    category: utility',
        '    variables: [name, due_date]',
        '    languages:',
        "      es: 'Hola {{1}}'",
      ].join('\n'),
    );
    expect(message).toContain(
      'flows/whatsapp-templates.yaml:6:11: templates.0.languages.es: must use exactly the placeholders {{1}}, {{2}}',
    );
  });

  it('reports bad names, unknown keys, duplicates and YAML errors', () => {
    const message = problemsOf(
      [
        'templates:',
        '  - name: Account-Reminder',
        '    category: utility',
        '    languages: { es: hola }',
        '  - name: hello',
        '    category: utility',
        '    languages: { es: hola }',
        '    footer: x',
        '  - name: hello',
        '    category: utility',
        '    languages: { es: hola }',
      ].join('\n'),
    );
    expect(message).toContain(':2:11: templates.0.name: lowercase letters');
    expect(message).toContain('templates.1: Unrecognized key: "footer"');
    expect(message).toContain('templates.2.name: duplicate template "hello"');
    expect(problemsOf('templates: [')).toMatch(/flows\/whatsapp-templates\.yaml:\d+:\d+: /);
  });

  it('refuses a missing file with AppError flow_invalid', async () => {
    await expect(loadWhatsAppTemplates(fixtureDir, 'nope.yaml')).rejects.toMatchObject({
      code: 'flow_invalid',
    });
  });
});

describe('template registry', () => {
  const registry = parseWhatsAppTemplates(
    [
      'templates:',
      '  - name: account_reminder',
      '    category: utility',
      '    variables: [name]',
      '    languages:',
      "      es: 'Hola {{1}}'",
      "      en: 'Hi {{1}}'",
      "      pt_BR: 'Olá {{1}}'",
    ].join('\n'),
    'test.yaml',
  );
  const template = registry.get('account_reminder')!;

  it.each([
    ['es-419', 'es'],
    ['es-CO', 'es'],
    ['en-US', 'en'],
    ['pt-BR', 'pt_BR'],
    ['pt-PT', 'pt_BR'],
    ['fr', 'es'],
  ])('picks the language for %s: %s', (locale, code) => {
    expect(registry.languageFor(template, locale)).toBe(code);
  });

  it('refuses unknown names, languages and variable counts', () => {
    expect(registry.check({ type: 'template', name: 'x', language: 'es', variables: [] }).ok).toBe(
      false,
    );
    expect(
      registry.check({
        type: 'template',
        name: 'account_reminder',
        language: 'de',
        variables: ['a'],
      }).ok,
    ).toBe(false);
    expect(
      registry.check({ type: 'template', name: 'account_reminder', language: 'es', variables: [] })
        .ok,
    ).toBe(false);
  });
});
