import { describe, expect, it } from '@jest/globals';
import {
  defaultGraphApiVersion,
  loadWhatsAppCloudConfig,
} from '../../../../src/adapters/channels/whatsapp-cloud/config.js';
import { AppError } from '../../../../src/domain/errors.js';

const complete = {
  WHATSAPP_CLOUD_TOKEN: 'EAAG-test-system-user-token-0123456789',
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: '106540352242922',
  WHATSAPP_CLOUD_APP_SECRET: '0123456789abcdef0123456789abcdef',
  WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-token-xyz',
};

function errorOf(env: Record<string, string | undefined>): AppError {
  try {
    loadWhatsAppCloudConfig(env);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected loadWhatsAppCloudConfig to throw');
}

describe('loadWhatsAppCloudConfig', () => {
  it('is undefined (channel off) when no WHATSAPP_CLOUD_* key is set, or all are empty', () => {
    expect(loadWhatsAppCloudConfig({ PORT: '3000' })).toBeUndefined();
    expect(loadWhatsAppCloudConfig({ WHATSAPP_CLOUD_TOKEN: '' })).toBeUndefined();
  });

  it('reads a complete set with defaults', () => {
    expect(loadWhatsAppCloudConfig(complete)).toEqual({
      token: complete.WHATSAPP_CLOUD_TOKEN,
      phoneNumberId: '106540352242922',
      appSecret: complete.WHATSAPP_CLOUD_APP_SECRET,
      verifyToken: 'verify-token-xyz',
      graphBaseUrl: 'https://graph.facebook.com',
      apiVersion: defaultGraphApiVersion,
      maxBodyBytes: 3072 * 1024,
      sendTimeoutMs: 10000,
    });
  });

  it('reads overrides and drops a trailing slash from the Graph URL', () => {
    const config = loadWhatsAppCloudConfig({
      ...complete,
      WHATSAPP_CLOUD_GRAPH_URL: 'http://127.0.0.1:4010/',
      WHATSAPP_CLOUD_API_VERSION: 'v25.0',
      WHATSAPP_CLOUD_MAX_BODY_KB: '512',
      WHATSAPP_CLOUD_SEND_TIMEOUT_MS: '2500',
    });
    expect(config).toMatchObject({
      graphBaseUrl: 'http://127.0.0.1:4010',
      apiVersion: 'v25.0',
      maxBodyBytes: 512 * 1024,
      sendTimeoutMs: 2500,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses to start without the app secret (fail closed)', () => {
    const error = errorOf({ ...complete, WHATSAPP_CLOUD_APP_SECRET: undefined });
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('WHATSAPP_CLOUD_APP_SECRET: required');
  });

  it('lists every missing key when only an optional one is set', () => {
    const error = errorOf({ WHATSAPP_CLOUD_API_VERSION: 'v26.0' });
    for (const key of [
      'WHATSAPP_CLOUD_TOKEN',
      'WHATSAPP_CLOUD_PHONE_NUMBER_ID',
      'WHATSAPP_CLOUD_APP_SECRET',
      'WHATSAPP_CLOUD_VERIFY_TOKEN',
    ]) {
      expect(error.message).toContain(`${key}: required`);
    }
  });

  it('explains bad values and hides secrets', () => {
    const error = errorOf({
      ...complete,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: '+57 300',
      WHATSAPP_CLOUD_APP_SECRET: 'short-secret',
      WHATSAPP_CLOUD_API_VERSION: '21',
      WHATSAPP_CLOUD_GRAPH_URL: 'ftp://graph.example',
    });
    expect(error.message).toContain('WHATSAPP_CLOUD_PHONE_NUMBER_ID');
    expect(error.message).toContain('(got "+57 300")');
    expect(error.message).toContain('WHATSAPP_CLOUD_APP_SECRET');
    expect(error.message).not.toContain('short-secret');
    expect(error.message).toContain('WHATSAPP_CLOUD_API_VERSION');
    expect(error.message).toContain('WHATSAPP_CLOUD_GRAPH_URL');
  });
});
