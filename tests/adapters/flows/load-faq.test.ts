/**
 * Issue 6: the operator's FAQ for grounded answers is content like the flows: validated at boot,
 * with the file and line of every problem.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadFaq } from '../../../src/adapters/flows/load-faq.js';
import { faqFor } from '../../../src/domain/llm/faq.js';
import { understandByRules } from '../../../src/domain/understanding/rules-understander.js';
import { toCurrencyCode } from '../../../src/domain/money.js';
import { packageRoot } from '../../../src/main.js';

function rootWith(faq: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cuota-faq-'));
  mkdirSync(path.join(root, 'flows'));
  writeFileSync(path.join(root, 'flows', 'faq.yaml'), faq);
  return root;
}

describe('loadFaq', () => {
  it('loads the shipped FAQ in Spanish, English and Portuguese', async () => {
    const faq = await loadFaq(packageRoot);
    expect(Object.keys(faq.unanswered).sort()).toEqual(['en', 'es', 'pt']);
    expect(faq.entries.map((e) => e.id)).toEqual(
      expect.arrayContaining([
        'interest',
        'fees',
        'what_is_the_debt',
        'clearance_letter',
        'data_privacy',
      ]),
    );
  });

  it.each([
    ['es-CO', 'hablar con alguien'],
    ['en-US', 'talk to a person'],
    ['pt-BR', 'falar com alguém'],
  ])('tells a %s debtor words that reach a person', async (locale, words) => {
    const { unanswered } = faqFor(await loadFaq(packageRoot), locale);
    expect(unanswered.toLowerCase()).toContain(words);
    const understood = understandByRules(words, {
      now: new Date('2026-11-24T15:00:00Z'),
      timeZone: 'America/Bogota',
      locale,
      currency: toCurrencyCode('COP')!,
    });
    expect(understood.intent).toBe('talk_to_human');
  });

  it('names the file and line of a problem', async () => {
    const root = rootWith(
      [
        'version: 1',
        'unanswered:',
        "  es: 'No sé.'",
        "  en: 'I do not know.'",
        'entries:',
        '  - id: interest',
        '    text:',
        '      es: { question: "¿Intereses?", answer: "Por mora." }',
        '',
      ].join('\n'),
    );
    await expect(loadFaq(root)).rejects.toThrow(
      /flows\/faq\.yaml:8:\d+: entries\.0\.text: missing en/,
    );
  });

  it('refuses a missing file', async () => {
    await expect(loadFaq(mkdtempSync(path.join(tmpdir(), 'cuota-faq-')))).rejects.toThrow(
      /flows\/faq\.yaml:1:1: file not found/,
    );
  });
});
