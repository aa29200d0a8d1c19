import { describe, expect, it } from '@jest/globals';
import { loadTwilioSmsConfig } from '../../../../src/adapters/channels/twilio-sms/config.js';
import { AppError } from '../../../../src/domain/errors.js';

const valid = {
  TWILIO_ACCOUNT_SID: 'AC1f0e2d3c4b5a69788796a5b4c3d2e1f0',
  TWILIO_AUTH_TOKEN: '0123456789abcdef0123456789abcdef',
  TWILIO_FROM_NUMBER: '+14155550100',
  TWILIO_WEBHOOK_URL: 'https://cuota.example.com/webhooks/twilio/sms',
  TWILIO_STATUS_CALLBACK_URL: 'https://cuota.example.com/webhooks/twilio/status',
};

function errorOf(env: Record<string, string>): string {
  try {
    loadTwilioSmsConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('config_invalid');
    return (error as AppError).message;
  }
  throw new Error('expected config_invalid');
}

describe('loadTwilioSmsConfig', () => {
  it('is off when no TWILIO_* key is set (empty strings count as unset)', () => {
    expect(loadTwilioSmsConfig({ PORT: '3000', TWILIO_AUTH_TOKEN: '' })).toBeUndefined();
  });

  it('reads a number sender with defaults', () => {
    expect(loadTwilioSmsConfig(valid)).toEqual({
      accountSid: valid.TWILIO_ACCOUNT_SID,
      authToken: valid.TWILIO_AUTH_TOKEN,
      sender: { kind: 'number', from: '+14155550100' },
      webhookUrl: valid.TWILIO_WEBHOOK_URL,
      statusCallbackUrl: valid.TWILIO_STATUS_CALLBACK_URL,
      apiBaseUrl: undefined,
      messagesPerSecond: 1,
      maxBodyBytes: 64 * 1024,
      sendTimeoutMs: 10000,
    });
  });

  it('reads a Messaging Service sender, MPS and a test base URL', () => {
    const rest = Object.fromEntries(
      Object.entries(valid).filter(([key]) => key !== 'TWILIO_FROM_NUMBER'),
    );
    const config = loadTwilioSmsConfig({
      ...rest,
      TWILIO_MESSAGING_SERVICE_SID: 'MG9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      TWILIO_MPS: '3',
      TWILIO_API_BASE_URL: 'http://127.0.0.1:4010/',
    });
    expect(config).toMatchObject({
      sender: {
        kind: 'messaging-service',
        messagingServiceSid: 'MG9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      },
      messagesPerSecond: 3,
      apiBaseUrl: 'http://127.0.0.1:4010',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('fails closed when partially set, listing every missing key', () => {
    const message = errorOf({ TWILIO_ACCOUNT_SID: valid.TWILIO_ACCOUNT_SID });
    for (const key of [
      'TWILIO_AUTH_TOKEN',
      'TWILIO_WEBHOOK_URL',
      'TWILIO_STATUS_CALLBACK_URL',
      'TWILIO_FROM_NUMBER',
    ]) {
      expect(message).toContain(key);
    }
  });

  it('fails closed when only a tuning key is set', () => {
    expect(errorOf({ TWILIO_MPS: '3' })).toContain('TWILIO_ACCOUNT_SID: required');
  });

  it('refuses both a number and a Messaging Service', () => {
    expect(
      errorOf({ ...valid, TWILIO_MESSAGING_SERVICE_SID: 'MG9f8e7d6c5b4a39281706f5e4d3c2b1a0' }),
    ).toContain('set exactly one of TWILIO_FROM_NUMBER and TWILIO_MESSAGING_SERVICE_SID');
  });

  it('names bad values but hides the auth token', () => {
    const message = errorOf({
      ...valid,
      TWILIO_ACCOUNT_SID: 'SK123',
      TWILIO_AUTH_TOKEN: 'short-secret',
      TWILIO_FROM_NUMBER: '3001234567',
      TWILIO_WEBHOOK_URL: 'not a url',
      TWILIO_MPS: '0',
    });
    expect(message).toContain('TWILIO_ACCOUNT_SID: an Account SID');
    expect(message).toContain('(got "SK123")');
    expect(message).toContain('TWILIO_AUTH_TOKEN');
    expect(message).toContain('(value hidden)');
    expect(message).not.toContain('short-secret');
    expect(message).toContain('TWILIO_FROM_NUMBER');
    expect(message).toContain('TWILIO_WEBHOOK_URL');
    expect(message).toContain('TWILIO_MPS');
  });
});
