import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  classifyTwilioError,
  createTwilioSmsSender,
  rebaseTwilioUrl,
  retryAfterMsOf,
} from '../../../../src/adapters/channels/twilio-sms/sender.js';
import type { OutboundEnvelope } from '../../../../src/ports/channel.js';
import { silentLogger } from '../../../support/shared.js';
import {
  startTwilioApi,
  twilioReplies,
  type TwilioApiStandIn,
} from '../../../support/stand-ins/twilio-api.js';

const accountSid = 'AC1f0e2d3c4b5a69788796a5b4c3d2e1f0';
const authToken = '0123456789abcdef0123456789abcdef';
const statusCallbackUrl = 'https://cuota.example.com/webhooks/twilio/status';

let api: TwilioApiStandIn;

beforeAll(async () => {
  api = await startTwilioApi({ accountSid, authToken });
});

afterAll(async () => {
  await api.close();
});

let requestsBefore = 0;
beforeEach(() => {
  requestsBefore = api.requests.length;
});

function sender(
  overrides: {
    from?: string;
    messagingServiceSid?: string;
    apiBaseUrl?: string;
    sendTimeoutMs?: number;
  } = {},
) {
  return createTwilioSmsSender({
    config: {
      accountSid,
      authToken,
      sender:
        overrides.messagingServiceSid === undefined
          ? { kind: 'number', from: overrides.from ?? '+14155550100' }
          : { kind: 'messaging-service', messagingServiceSid: overrides.messagingServiceSid },
      statusCallbackUrl,
      apiBaseUrl: overrides.apiBaseUrl ?? api.url,
      sendTimeoutMs: overrides.sendTimeoutMs ?? 2000,
    },
    logger: silentLogger,
  });
}

function envelope(
  content: OutboundEnvelope['content'],
  recipient = '+573001234567',
): OutboundEnvelope {
  return { outboxId: 'out-1', provider: 'twilio-sms', recipient, content, locale: 'es-CO' };
}

function newRequests() {
  return api.requests.slice(requestsBefore);
}

describe('createTwilioSmsSender against the stand-in Twilio API', () => {
  it('creates a Message with basic auth, form fields and the status callback', async () => {
    const result = await sender().send(
      envelope({
        type: 'choices',
        text: '¿Cómo quieres pagar?',
        options: [
          { id: 'now', label: 'Hoy' },
          { id: 'plan', label: 'En cuotas' },
        ],
      }),
    );
    expect(result).toEqual({ type: 'sent', providerMessageId: api.acceptedSids.at(-1) });
    expect(newRequests()).toEqual([
      {
        method: 'POST',
        path: `/2010-04-01/Accounts/${accountSid}/Messages.json`,
        contentType: 'application/x-www-form-urlencoded',
        userAgent: expect.stringMatching(/^twilio-node\//),
        username: accountSid,
        isAuthorized: true,
        form: {
          To: '+573001234567',
          From: '+14155550100',
          Body: '¿Cómo quieres pagar?\n1. Hoy\n2. En cuotas\nResponde 1 o 2',
          StatusCallback: `${statusCallbackUrl}?cuotaOutboxId=out-1`,
        },
      },
    ]);
  });

  it('sends from a Messaging Service and makes typographic quotes GSM-friendly', async () => {
    const result = await sender({ messagingServiceSid: 'MG9f8e7d6c5b4a39281706f5e4d3c2b1a0' }).send(
      envelope({ type: 'text', text: '“Gracias” — te esperamos' }),
    );
    expect(result.type).toBe('sent');
    expect(newRequests()[0]?.form).toEqual({
      To: '+573001234567',
      MessagingServiceSid: 'MG9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      Body: '"Gracias" - te esperamos',
      StatusCallback: `${statusCallbackUrl}?cuotaOutboxId=out-1`,
    });
  });

  it('retries a 429 with the Retry-After Twilio gave', async () => {
    api.reply({ type: 'rate-limited', retryAfterSeconds: 2 });
    expect(await sender().send(envelope({ type: 'text', text: 'Hola' }))).toEqual({
      type: 'retry',
      reason: 'rate_limited',
      retryAfterMs: 2000,
    });
    api.reply({ type: 'rate-limited' });
    expect(await sender().send(envelope({ type: 'text', text: 'Hola' }))).toEqual({
      type: 'retry',
      reason: 'rate_limited',
      retryAfterMs: undefined,
    });
    // The SDK's own 429 auto-retry is off: the dispatcher owns backoff.
    expect(newRequests()).toHaveLength(2);
  });

  it('retries a 5xx', async () => {
    api.reply(twilioReplies.serverError);
    expect(await sender().send(envelope({ type: 'text', text: 'Hola' }))).toEqual({
      type: 'retry',
      reason: 'twilio_500',
    });
  });

  it('retries a refused connection: the request never reached Twilio', async () => {
    const closed = await startTwilioApi({ accountSid, authToken });
    await closed.close();
    expect(
      await sender({ apiBaseUrl: closed.url }).send(envelope({ type: 'text', text: 'Hola' })),
    ).toEqual({
      type: 'retry',
      reason: 'network_ECONNREFUSED',
    });
  });

  it('calls a lost answer or a timeout uncertain: Twilio may have created the message', async () => {
    api.reply({ type: 'accept-then-drop' });
    expect(await sender().send(envelope({ type: 'text', text: 'Hola' }))).toEqual({
      type: 'uncertain',
      reason: 'network_ECONNRESET',
    });
    api.reply({ type: 'hang' });
    expect(
      await sender({ sendTimeoutMs: 200 }).send(envelope({ type: 'text', text: 'Hola' })),
    ).toEqual({
      type: 'uncertain',
      reason: 'network_ECONNABORTED',
    });
  });

  it('fails 21610 (unsubscribed) for good, with its code', async () => {
    api.reply(twilioReplies.unsubscribed);
    expect(await sender().send(envelope({ type: 'text', text: 'Hola' }))).toEqual({
      type: 'failed',
      reason: 'recipient_unsubscribed',
      code: '21610',
    });
  });

  it('fails an invalid number and any other 4xx for good', async () => {
    api.reply(twilioReplies.invalidNumber);
    expect(await sender().send(envelope({ type: 'text', text: 'Hola' }))).toEqual({
      type: 'failed',
      reason: 'invalid_number',
      code: '21211',
    });
    api.reply({
      type: 'error',
      status: 400,
      code: 21408,
      message: 'Permission to send an SMS has not been enabled',
    });
    expect(await sender().send(envelope({ type: 'text', text: 'Hola' }))).toEqual({
      type: 'failed',
      reason: 'rejected',
      code: '21408',
    });
  });

  it('fails with 20003 when the credentials are wrong', async () => {
    const wrong = createTwilioSmsSender({
      config: {
        accountSid,
        authToken: 'ffffffffffffffffffffffffffffffff',
        sender: { kind: 'number', from: '+14155550100' },
        statusCallbackUrl,
        apiBaseUrl: api.url,
        sendTimeoutMs: 2000,
      },
      logger: silentLogger,
    });
    expect(await wrong.send(envelope({ type: 'text', text: 'Hola' }))).toEqual({
      type: 'failed',
      reason: 'rejected',
      code: '20003',
    });
  });

  it('fails without calling Twilio for a non-E.164 recipient or an unrenderable content', async () => {
    expect(await sender().send(envelope({ type: 'text', text: 'Hola' }, '3001234567'))).toEqual({
      type: 'failed',
      reason: 'invalid_recipient',
    });
    expect(
      await sender().send(
        envelope({ type: 'template', name: 'reminder', language: 'es', variables: [] }),
      ),
    ).toEqual({ type: 'failed', reason: 'render_template-unknown' });
    expect(newRequests()).toEqual([]);
  });
});

describe('sender helpers', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-03-15T15:00:00Z');
    expect(retryAfterMsOf('1.5', now)).toBe(1500);
    expect(retryAfterMsOf('Sun, 15 Mar 2026 15:00:10 GMT', now)).toBe(10000);
    expect(retryAfterMsOf(undefined, now)).toBeUndefined();
    expect(retryAfterMsOf('soon', now)).toBeUndefined();
  });

  it('moves api.twilio.com URLs onto the base URL', () => {
    expect(
      rebaseTwilioUrl(
        'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?x=1',
        'http://127.0.0.1:9/',
      ),
    ).toBe('http://127.0.0.1:9/2010-04-01/Accounts/AC1/Messages.json?x=1');
  });

  it('leaves errors that are not Twilio answers to the caller', () => {
    expect(classifyTwilioError(new TypeError('bug'))).toBeUndefined();
  });
});
