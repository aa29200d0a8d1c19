import { describe, expect, it } from '@jest/globals';
import type { LocalDate } from '../../../src/domain/dates.js';
import {
  messageArguments,
  renderMessage,
  resolveCatalogLocale,
} from '../../../src/domain/messages/render.js';
import { minor, toCurrencyCode, type CurrencyCode } from '../../../src/domain/money.js';

const catalogs = {
  'es-419': {
    owe: 'Debes {balance}, vence el {date}. {count, plural, one {# cuota} other {# cuotas}}',
  },
  en: { owe: 'You owe {balance}, due {date}.' },
  'pt-BR': { owe: 'Você deve {balance}, vence em {date}.' },
};
const currency = (code: string): CurrencyCode => toCurrencyCode(code) as CurrencyCode;
const date = '2026-11-27' as LocalDate;

describe('resolveCatalogLocale', () => {
  it('maps regional tags to the shipped catalogs', () => {
    expect(resolveCatalogLocale(catalogs, 'es-CO')).toBe('es-419');
    expect(resolveCatalogLocale(catalogs, 'es-AR')).toBe('es-419');
    expect(resolveCatalogLocale(catalogs, 'pt-PT')).toBe('pt-BR');
    expect(resolveCatalogLocale(catalogs, 'pt-br')).toBe('pt-BR');
    expect(resolveCatalogLocale(catalogs, 'en-US')).toBe('en');
    expect(resolveCatalogLocale(catalogs, 'fr-FR')).toBe('es-419');
  });
});

describe('renderMessage', () => {
  it('formats money and dates for the debtor locale, not the catalog locale', () => {
    const vars = {
      balance: { money: { amount: minor(125_000), currency: currency('ARS') } },
      date: { date },
      count: 3,
    };
    expect(renderMessage(catalogs, 'owe', vars, 'es-AR')).toBe(
      'Debes $\u00a01.250,00, vence el viernes, 27 de noviembre. 3 cuotas',
    );
    expect(
      renderMessage(
        catalogs,
        'owe',
        { ...vars, balance: { money: { amount: minor(125_000), currency: currency('BRL') } } },
        'pt-BR',
      ),
    ).toBe('Você deve R$\u00a01.250,00, vence em sexta-feira, 27 de novembro.');
    expect(
      renderMessage(
        catalogs,
        'owe',
        { ...vars, balance: { money: { amount: minor(125_000), currency: currency('USD') } } },
        'en-US',
      ),
    ).toBe('You owe $1,250.00, due Friday, November 27.');
  });

  it('uses plural rules', () => {
    const vars = {
      balance: { money: { amount: minor(100), currency: currency('COP') } },
      date,
    };
    expect(renderMessage(catalogs, 'owe', { ...vars, date: { date }, count: 1 }, 'es-CO')).toMatch(
      /1 cuota$/,
    );
  });

  it('throws on a missing key (a bug the loader prevents)', () => {
    expect(() => renderMessage(catalogs, 'nope', {}, 'es-AR')).toThrow(/missing/);
  });

  it('lists the arguments a message uses, inside plurals and selects', () => {
    expect(
      messageArguments('{a} {n, plural, one {{b}} other {#}} {s, select, x {{c}} other {}}').sort(),
    ).toEqual(['a', 'b', 'c', 'n', 's']);
  });
});
