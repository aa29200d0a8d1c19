import { describe, expect, it } from '@jest/globals';
import { loadTelegramConfig } from '../../../../src/adapters/channels/telegram/config.js';
import { AppError } from '../../../../src/domain/errors.js';

const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
const webhookSecret = 'wh_secret_0123456789abcdefghijklmnop';

function problemsOf(env: Record<string, string>): string {
  try {
    loadTelegramConfig(env);
  } catch (err) {
    if (err instanceof AppError && err.code === 'config_invalid') return err.message;
    throw err;
  }
  throw new Error('expected config_invalid');
}

describe('loadTelegramConfig', () => {
  it('is undefined (channel off) when no TELEGRAM_* key is set', () => {
    expect(loadTelegramConfig({ PORT: '3000', TELEGRAM_BOT_TOKEN: '' })).toBeUndefined();
  });

  it('reads webhook mode with defaults', () => {
    expect(
      loadTelegramConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: webhookSecret }),
    ).toEqual({
      botToken: token,
      apiRoot: 'https://api.telegram.org',
      maxBodyBytes: 256 * 1024,
      sendTimeoutMs: 10000,
      deepLinks: undefined,
      mode: 'webhook',
      webhookSecret,
    });
  });

  it('fails closed: webhook mode without a secret refuses to start', () => {
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: token })).toMatch(
      /TELEGRAM_WEBHOOK_SECRET: required in webhook mode/,
    );
  });

  it('allows polling without a webhook secret, and a stand-in API root', () => {
    expect(
      loadTelegramConfig({
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_MODE: 'polling',
        TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      }),
    ).toMatchObject({
      mode: 'polling',
      webhookSecret: undefined,
      apiRoot: 'http://127.0.0.1:8081',
    });
  });

  it('reads deep links only with both the bot username and the link secret', () => {
    expect(
      loadTelegramConfig({
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_WEBHOOK_SECRET: webhookSecret,
        TELEGRAM_BOT_USERNAME: '@CuotaBot',
        TELEGRAM_LINK_SECRET: 'l'.repeat(32),
      })?.deepLinks,
    ).toEqual({ botUsername: 'CuotaBot', secret: 'l'.repeat(32) });
    expect(
      problemsOf({
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_WEBHOOK_SECRET: webhookSecret,
        TELEGRAM_BOT_USERNAME: 'CuotaBot',
      }),
    ).toMatch(/TELEGRAM_LINK_SECRET: required/);
  });

  it('lists every bad key at once and never prints secrets', () => {
    const message = problemsOf({
      TELEGRAM_BOT_TOKEN: 'not-a-token',
      TELEGRAM_WEBHOOK_SECRET: 'short secret!',
      TELEGRAM_MODE: 'push',
      TELEGRAM_API_ROOT: 'ftp://x',
    });
    expect(message).toMatch(/TELEGRAM_BOT_TOKEN/);
    expect(message).toMatch(/TELEGRAM_WEBHOOK_SECRET/);
    expect(message).toMatch(/TELEGRAM_MODE: .*\(got "push"\)/);
    expect(message).toMatch(/TELEGRAM_API_ROOT/);
    expect(message).not.toMatch(/not-a-token|short secret!/);
  });
});
