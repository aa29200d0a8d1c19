import { describe, expect, it } from '@jest/globals';
import { loadBaileysConfig } from '../../../../src/adapters/channels/whatsapp-baileys/config.js';

describe('loadBaileysConfig', () => {
  it('is off when no BAILEYS_* key is set or it is switched off', () => {
    expect(loadBaileysConfig({})).toBeUndefined();
    expect(loadBaileysConfig({ BAILEYS_ENABLED: 'false', BAILEYS_SESSION: 'x' })).toBeUndefined();
  });

  it('reads conservative defaults', () => {
    expect(loadBaileysConfig({ BAILEYS_ENABLED: 'true' })).toEqual({
      session: 'default',
      pairingNumber: undefined,
      printQr: true,
      minIntervalMs: 3000,
      maxPerMinute: 8,
      reconnect: {
        baseDelayMs: 2000,
        maxDelayMs: 120_000,
        circuitFailures: 6,
        circuitWindowMs: 600_000,
        circuitCooldownMs: 900_000,
      },
    });
  });

  it('normalises the pairing number', () => {
    expect(
      loadBaileysConfig({ BAILEYS_ENABLED: 'true', BAILEYS_PAIRING_NUMBER: '+57 300 123-4567' })
        ?.pairingNumber,
    ).toBe('573001234567');
  });

  it('fails closed, listing every bad key', () => {
    expect(() => loadBaileysConfig({ BAILEYS_PAIRING_NUMBER: '573001234567' })).toThrow(
      /BAILEYS_ENABLED: required/,
    );
    let message = '';
    try {
      loadBaileysConfig({
        BAILEYS_ENABLED: 'true',
        BAILEYS_PAIRING_NUMBER: 'call me',
        BAILEYS_MIN_INTERVAL_MS: '10',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/BAILEYS_PAIRING_NUMBER/);
    expect(message).toMatch(/BAILEYS_MIN_INTERVAL_MS/);
    expect(() =>
      loadBaileysConfig({
        BAILEYS_ENABLED: 'true',
        BAILEYS_RECONNECT_BASE_MS: '5000',
        BAILEYS_RECONNECT_MAX_MS: '1000',
      }),
    ).toThrow(/BAILEYS_RECONNECT_MAX_MS/);
  });
});
