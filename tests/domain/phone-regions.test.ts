import { describe, expect, it } from '@jest/globals';
import { normalizePhone } from '../../src/domain/phone.js';
import { defaultLocaleFor, resolveTimeZone } from '../../src/domain/regions.js';

describe('normalizePhone', () => {
  it.each([
    ['300 123 4567', 'CO', '+573001234567'],
    ['+57 (300) 123-4567', 'MX', '+573001234567'],
    ['0057 300 123 4567', undefined, '+573001234567'],
    ['55 1234 5678', 'MX', '+525512345678'],
    ['+54 9 11 2345-6789', undefined, '+5491123456789'],
    ['9 8765 4321', 'CL', '+56987654321'],
    ['(11) 98765-4321', 'BR', '+5511987654321'],
  ])('%s with default %s is %s', (raw, country, e164) => {
    const result = normalizePhone(raw, country);
    expect(result).toMatchObject({ ok: true, e164 });
  });

  it('says why a number is refused', () => {
    expect(normalizePhone('', 'CO')).toEqual({ ok: false, reason: 'empty' });
    expect(normalizePhone('abc', 'CO')).toMatchObject({ ok: false });
    expect(normalizePhone('123', 'CO')).toMatchObject({ ok: false });
  });
});

describe('regions', () => {
  it('chooses the explicit zone, then the phone country, then the operator default', () => {
    expect(resolveTimeZone('America/Lima', 'CO', 'America/Bogota')).toBe('America/Lima');
    expect(resolveTimeZone(undefined, 'CL', 'America/Bogota')).toBe('America/Santiago');
    expect(resolveTimeZone('Not/AZone', 'CL', 'America/Bogota')).toBe('America/Santiago');
    expect(resolveTimeZone(undefined, 'ZZ', 'America/Bogota')).toBe('America/Bogota');
  });

  it('has formatting locales per country', () => {
    expect(defaultLocaleFor('ar')).toBe('es-AR');
    expect(defaultLocaleFor('BR')).toBe('pt-BR');
    expect(defaultLocaleFor(undefined)).toBeUndefined();
  });
});
