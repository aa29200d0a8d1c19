import { describe, expect, it } from '@jest/globals';
import { langOf, normalize } from '../../../src/domain/understanding/normalize.js';

describe('normalize', () => {
  it('lower-cases, strips accents and maps ñ to n', () => {
    expect(normalize('¿Cuánto DEBO? Mañana pagué', 'es')).toBe('cuanto debo manana pague');
  });

  it('collapses stretched letters but keeps the doubles Spanish really has', () => {
    expect(normalize('siiiii', 'es')).toBe('si');
    expect(normalize('holaaa', 'es')).toBe('hola');
    expect(normalize('noo', 'es')).toBe('no');
    expect(normalize('llamar al carro', 'es')).toBe('llamar al carro');
  });

  it('expands SMS-speak and common misspellings', () => {
    expect(normalize('kiero ablar con un acesor xfa', 'es')).toBe(
      'quiero hablar con un asesor por favor',
    );
    expect(normalize('kuanto devo', 'es')).toBe('cuanto debo');
    expect(normalize('q pena, x mes', 'es')).toBe('que pena por mes');
    expect(normalize('pq tmb', 'es')).toBe('porque tambien');
    expect(normalize('vc n paga', 'pt')).toBe('voce nao paga');
    expect(normalize("I can't pay, thx", 'en')).toBe('i cannot pay thanks');
  });

  it('maps emoji to meaning tokens', () => {
    expect(normalize('👍', 'es')).toBe('emoji_yes');
    expect(normalize('gracias 🙏🏽', 'es')).toBe('gracias emoji_please');
    expect(normalize('😡😡', 'es')).toBe('emoji_angry emoji_angry');
  });

  it('keeps punctuation inside numbers and currency signs', () => {
    expect(normalize('Pago $1.500,50 el 15/12.', 'es')).toBe('pago $1.500,50 el 15/12');
    expect(normalize('S/ 250.50', 'es')).toBe('s$ 250.50');
    expect(normalize('R$ 1.200,50', 'pt')).toBe('r$ 1.200,50');
  });

  it('picks the lexicon language from the locale', () => {
    expect(langOf('es-MX')).toBe('es');
    expect(langOf('pt-BR')).toBe('pt');
    expect(langOf('en-US')).toBe('en');
    expect(langOf('qu-PE')).toBe('es');
  });
});
