import { describe, expect, it } from '@jest/globals';
import {
  keywordOfOptOutType,
  smsKeywordOf,
  smsKeywords,
} from '../../../../src/adapters/channels/twilio-sms/keywords.js';

describe('smsKeywordOf', () => {
  it.each([
    ['STOP', 'opt_out'],
    ['stop', 'opt_out'],
    ['StopAll', 'opt_out'],
    ['UNSUBSCRIBE', 'opt_out'],
    ['cancel', 'opt_out'],
    ['End', 'opt_out'],
    ['quit', 'opt_out'],
    ['Baja', 'opt_out'],
    ['ALTO', 'opt_out'],
    ['parar', 'opt_out'],
    ['Sair', 'opt_out'],
    ['START', 'opt_in'],
    ['yes', 'opt_in'],
    ['unstop', 'opt_in'],
    ['Alta', 'opt_in'],
    ['HELP', 'help'],
    ['info', 'help'],
    ['Ayuda', 'help'],
  ] as const)('reads %s as %s', (text, keyword) => {
    expect(smsKeywordOf(text)).toBe(keyword);
  });

  it('ignores surrounding spaces and trailing . or !', () => {
    expect(smsKeywordOf('  stop \n')).toBe('opt_out');
    expect(smsKeywordOf('Baja.')).toBe('opt_out');
    expect(smsKeywordOf('AYUDA!!')).toBe('help');
  });

  it('matches the whole message only', () => {
    expect(smsKeywordOf('no quiero parar de pagar')).toBeUndefined();
    expect(smsKeywordOf('stop please')).toBeUndefined();
    expect(smsKeywordOf('yes, I will pay')).toBeUndefined();
    expect(smsKeywordOf('')).toBeUndefined();
    expect(smsKeywordOf('1')).toBeUndefined();
  });

  it('lists every keyword under one meaning only', () => {
    const all = Object.values(smsKeywords).flat();
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('keywordOfOptOutType', () => {
  it('maps Twilio OptOutType values', () => {
    expect(keywordOfOptOutType('STOP')).toBe('opt_out');
    expect(keywordOfOptOutType('START')).toBe('opt_in');
    expect(keywordOfOptOutType('HELP')).toBe('help');
    expect(keywordOfOptOutType(undefined)).toBeUndefined();
    expect(keywordOfOptOutType('OTHER')).toBeUndefined();
  });
});
