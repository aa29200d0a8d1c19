import { describe, expect, it } from '@jest/globals';
import {
  isOutboxId,
  statusCallbackUrlFor,
} from '../../../../src/adapters/channels/twilio-sms/callback-url.js';

describe('statusCallbackUrlFor', () => {
  it('appends the outbox id as a query parameter', () => {
    expect(statusCallbackUrlFor('https://cuota.example.com/webhooks/twilio/status', '17')).toBe(
      'https://cuota.example.com/webhooks/twilio/status?cuotaOutboxId=17',
    );
    expect(statusCallbackUrlFor('https://cuota.example.com/status?tenant=demo', '17')).toBe(
      'https://cuota.example.com/status?tenant=demo&cuotaOutboxId=17',
    );
  });

  it('leaves the URL alone without a usable outbox id', () => {
    const base = 'https://cuota.example.com/webhooks/twilio/status';
    expect(statusCallbackUrlFor(base, undefined)).toBe(base);
    expect(statusCallbackUrlFor(base, 'a&b=c')).toBe(base);
    expect(isOutboxId('x'.repeat(65))).toBe(false);
    expect(isOutboxId('123')).toBe(true);
  });
});
