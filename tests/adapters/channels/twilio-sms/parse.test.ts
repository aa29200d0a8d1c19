import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  twilioSmsKeywordOf,
  twilioSmsParser,
  type TwilioSmsEvent,
} from '../../../../src/adapters/channels/twilio-sms/parse.js';
import { AppError } from '../../../../src/domain/errors.js';

const receivedAt = '2026-03-15T15:00:00.000Z';

function fixture(name: string): Record<string, string> {
  const url = new URL(`../../../fixtures/twilio-sms/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, string>;
}

function without(params: Record<string, string>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => k !== key));
}

function event(kind: TwilioSmsEvent['kind'], params: Record<string, string>): TwilioSmsEvent {
  return { kind, receivedAt, params };
}

describe('twilioSmsParser: inbound messages', () => {
  it('reads an SMS as text from an E.164 sender, timed when it arrived', () => {
    expect(twilioSmsParser.parse(event('message', fixture('inbound-sms')))).toEqual([
      {
        type: 'message',
        providerMessageId: 'SM2d7e1f0c9b8a76543210fedcba987654',
        sender: { provider: 'twilio-sms', externalId: '+573001234567', phone: '+573001234567' },
        sentAt: new Date(receivedAt),
        content: { type: 'text', text: 'Hola, quiero pagar mañana' },
      },
    ]);
  });

  it('reads an MMS as one media item per attachment, the body as the first caption', () => {
    const items = twilioSmsParser.parse(event('message', fixture('inbound-mms')));
    const sid = 'MM5a4b3c2d1e0f99887766554433221100';
    expect(items).toEqual([
      {
        type: 'message',
        providerMessageId: sid,
        sender: { provider: 'twilio-sms', externalId: '+5215512345678', phone: '+5215512345678' },
        sentAt: new Date(receivedAt),
        content: {
          type: 'media',
          kind: 'image',
          mediaRef: expect.stringMatching(/\/Media\/ME0a1b/),
          mimeType: 'image/jpeg',
          caption: 'Comprobante de pago',
        },
      },
      {
        type: 'message',
        providerMessageId: `${sid}/media/1`,
        sender: { provider: 'twilio-sms', externalId: '+5215512345678', phone: '+5215512345678' },
        sentAt: new Date(receivedAt),
        content: {
          type: 'media',
          kind: 'document',
          mediaRef: expect.stringMatching(/\/Media\/ME1b2c/),
          mimeType: 'application/pdf',
          caption: undefined,
        },
      },
    ]);
  });

  it('keeps a keyword message as text, and reads the keyword from OptOutType or the body', () => {
    const stop = event('message', fixture('inbound-stop'));
    const [item] = twilioSmsParser.parse(stop);
    expect(item).toMatchObject({ type: 'message', content: { type: 'text', text: 'Baja' } });
    expect(twilioSmsKeywordOf(stop)).toBe('opt_out');
    // A custom Advanced Opt-Out keyword: only Twilio's OptOutType says what it is.
    const custom = event('message', { ...fixture('inbound-stop'), Body: 'DETENER' });
    expect(twilioSmsKeywordOf(custom)).toBe('opt_out');
    const plain = event('message', fixture('inbound-sms'));
    expect(twilioSmsKeywordOf(plain)).toBeUndefined();
    const withoutType = without(fixture('inbound-stop'), 'OptOutType');
    expect(twilioSmsKeywordOf(event('message', withoutType))).toBe('opt_out');
  });

  it('does not call a short code or alphanumeric sender a phone', () => {
    const [item] = twilioSmsParser.parse(
      event('message', { ...fixture('inbound-sms'), From: '89898' }),
    );
    expect(item).toMatchObject({ sender: { externalId: '89898', phone: undefined } });
  });

  it('reads an empty SMS as unsupported', () => {
    const [item] = twilioSmsParser.parse(event('message', { ...fixture('inbound-sms'), Body: '' }));
    expect(item).toMatchObject({ content: { type: 'unsupported', providerType: 'empty' } });
  });

  it('throws AppError on a payload the webhook could not have stored', () => {
    expect(() => twilioSmsParser.parse({ kind: 'message' })).toThrow(AppError);
    const noSid = without(fixture('inbound-sms'), 'MessageSid');
    expect(() => twilioSmsParser.parse(event('message', noSid))).toThrow(/MessageSid/);
  });
});

describe('twilioSmsParser: status callbacks', () => {
  it('maps sent and delivered', () => {
    expect(twilioSmsParser.parse(event('status', fixture('status-sent')))).toEqual([
      {
        type: 'status',
        provider: 'twilio-sms',
        providerMessageId: 'SMf0e1d2c3b4a5968778695a4b3c2d1e0f',
        state: 'sent',
        at: new Date(receivedAt),
        outboxId: undefined,
        errorCode: undefined,
        errorTitle: undefined,
      },
    ]);
    expect(twilioSmsParser.parse(event('status', fixture('status-delivered')))).toMatchObject([
      { state: 'delivered' },
    ]);
  });

  it('maps undelivered and failed to failed, with the error code', () => {
    expect(twilioSmsParser.parse(event('status', fixture('status-undelivered')))).toEqual([
      expect.objectContaining({
        state: 'failed',
        errorCode: '30003',
        errorTitle: 'unreachable destination handset',
      }),
    ]);
    const failed = {
      ...fixture('status-undelivered'),
      MessageStatus: 'failed',
      ErrorCode: '30008',
    };
    expect(twilioSmsParser.parse(event('status', failed))).toEqual([
      expect.objectContaining({ state: 'failed', errorCode: '30008' }),
    ]);
  });

  it('yields nothing for queued, accepted, sending or an unknown status', () => {
    expect(twilioSmsParser.parse(event('status', fixture('status-queued')))).toEqual([]);
    for (const status of ['accepted', 'sending', 'scheduled', 'something-new']) {
      const params = { ...fixture('status-queued'), MessageStatus: status };
      expect(twilioSmsParser.parse(event('status', params))).toEqual([]);
    }
  });
});

describe('twilioSmsParser: the echoed outbox id', () => {
  it('passes it on so an unknown row can be reconciled', () => {
    const payload: TwilioSmsEvent = {
      ...event('status', fixture('status-delivered')),
      outboxId: '42',
    };
    expect(twilioSmsParser.parse(payload)).toMatchObject([{ state: 'delivered', outboxId: '42' }]);
  });
});
