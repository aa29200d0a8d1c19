import { describe, expect, it } from '@jest/globals';
import { parseContactPreference } from '../../../src/domain/contact-policy/index.js';

describe('parseContactPreference', () => {
  it.each([
    ['escríbeme después de las 6', 'es', { earliest: '18:00' }],
    ['Buenas tardes, escribeme despues de las 6pm por favor', 'es', { earliest: '18:00' }],
    ['solo en las mañanas', 'es', { latest: '12:00' }],
    ['por la tarde', 'es', { earliest: '12:00', latest: '18:00' }],
    ['no me escribas antes de las 9', 'es', { earliest: '09:00' }],
    ['no me escribas después de las 8 de la noche', 'es', { latest: '20:00' }],
    ['entre las 2 y las 5', 'es', { earliest: '14:00', latest: '17:00' }],
    ['no me escribas los sábados', 'es', { days: [1, 2, 3, 4, 5, 7] }],
    [
      'solo de lunes a viernes después de las 18:30',
      'es',
      { earliest: '18:30', days: [1, 2, 3, 4, 5] },
    ],
    ['after 6pm', 'en', { earliest: '18:00' }],
    ['mornings only please', 'en', { latest: '12:00' }],
    ['not on weekends', 'en', { days: [1, 2, 3, 4, 5] }],
    ['between 9am and 11am', 'en', { earliest: '09:00', latest: '11:00' }],
    ['só depois das 18h', 'pt', { earliest: '18:00' }],
    ['de manhã, antes das 10h', 'pt', { latest: '10:00' }],
    ['não me mande mensagem aos sábados e domingos', 'pt', { days: [1, 2, 3, 4, 5] }],
    ['a partir das 7 da noite', 'pt', { earliest: '19:00' }],
  ])('reads %j (%s)', (text, locale, expected) => {
    expect(parseContactPreference(text, locale)).toEqual(expected);
  });

  it.each([
    ['escríbeme mañana', 'es'],
    ['ya pagué', 'es'],
    ['how much do I owe?', 'en'],
    ['quero pagar', 'pt'],
  ])('states no preference in %j', (text, locale) => {
    expect(parseContactPreference(text, locale)).toBeUndefined();
  });
});
