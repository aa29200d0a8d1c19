import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  parseRetryAfter,
  whatsAppCloudSender,
} from '../../../../src/adapters/channels/whatsapp-cloud/sender.js';
import { parseWhatsAppTemplates } from '../../../../src/adapters/channels/whatsapp-cloud/templates.js';
import type { OutboundContent } from '../../../../src/domain/messaging/message.js';
import type { ChannelSender, OutboundEnvelope } from '../../../../src/ports/channel.js';
import { fixedClock } from '../../../../src/ports/clock.js';
import { silentLogger } from '../../../support/shared.js';
import {
  graphErrors,
  startMetaGraph,
  type MetaGraphStandIn,
} from '../../../support/stand-ins/meta-graph.js';

const token = 'EAAG-test-system-user-token-0123456789';
const phoneNumberId = '106540352242922';
const apiVersion = 'v26.0';
const now = new Date('2026-11-24T15:00:00Z');
const templates = parseWhatsAppTemplates(
  readFileSync(
    new URL('../../../fixtures/whatsapp-cloud/whatsapp-templates.yaml', import.meta.url),
    'utf8',
  ),
  'whatsapp-templates.yaml',
);

let graph: MetaGraphStandIn;
let sender: ChannelSender;

function envelope(
  content: OutboundContent,
  overrides: Partial<OutboundEnvelope> = {},
): OutboundEnvelope {
  return {
    outboxId: '4711',
    provider: 'whatsapp-cloud',
    recipient: '573001234567',
    content,
    locale: 'es-419',
    ...overrides,
  };
}

const hello: OutboundContent = { type: 'text', text: 'Hola Ana, tu saldo es $ 1.250.000.' };

beforeAll(async () => {
  graph = await startMetaGraph({ token, phoneNumberId, apiVersion });
  sender = whatsAppCloudSender({
    config: { token, phoneNumberId, apiVersion, graphBaseUrl: graph.url, sendTimeoutMs: 300 },
    logger: silentLogger,
    clock: fixedClock(now),
    templates,
  });
});

afterAll(async () => {
  await graph.close();
});

beforeEach(() => {
  graph.reset();
});

describe('whatsAppCloudSender: the API call', () => {
  it('posts the rendered message with token, recipient and outbox id, and returns the wamid', async () => {
    const result = await sender.send(envelope(hello));
    expect(result).toEqual({ type: 'sent', providerMessageId: expect.stringMatching(/^wamid\./) });
    expect(graph.requests).toHaveLength(1);
    const [request] = graph.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/v26.0/${phoneNumberId}/messages`);
    expect(request?.headers.authorization).toBe(`Bearer ${token}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '573001234567',
      biz_opaque_callback_data: '4711',
      type: 'text',
      text: { body: 'Hola Ana, tu saldo es $ 1.250.000.', preview_url: false },
    });
  });

  it('strips a leading + from the recipient', async () => {
    await sender.send(envelope(hello, { recipient: '+573001234567' }));
    expect((graph.requests[0]?.body as { to: string }).to).toBe('573001234567');
  });

  it('sends a registered template', async () => {
    const result = await sender.send(
      envelope({
        type: 'template',
        name: 'account_reminder',
        language: 'es',
        variables: ['Ana', '30 de noviembre'],
      }),
    );
    expect(result.type).toBe('sent');
    expect(graph.requests[0]?.body).toMatchObject({
      type: 'template',
      template: {
        name: 'account_reminder',
        language: { code: 'es' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ana' },
              { type: 'text', text: '30 de noviembre' },
            ],
          },
        ],
      },
    });
  });

  it.each([
    [
      { type: 'template', name: 'overdue_notice', language: 'es', variables: [] },
      'unknown template',
    ],
    [
      { type: 'template', name: 'account_reminder', language: 'fr', variables: ['a', 'b'] },
      'no language',
    ],
    [
      { type: 'template', name: 'account_reminder', language: 'es', variables: ['a'] },
      'takes 2 variables',
    ],
  ] as const)(
    'refuses an unregistered template without calling the API (%#)',
    async (content, reason) => {
      const result = await sender.send(envelope(content));
      expect(result).toEqual({
        type: 'failed',
        reason: expect.stringContaining(reason),
        code: 'template_unregistered',
      });
      expect(graph.requests).toEqual([]);
    },
  );

  it('refuses content that cannot be rendered, and a recipient that is not a wa_id, without calling', async () => {
    expect(await sender.send(envelope({ type: 'text', text: ' ' }))).toMatchObject({
      type: 'failed',
      code: 'render_invalid',
    });
    expect(await sender.send(envelope(hello, { recipient: 'ana@example.com' }))).toMatchObject({
      type: 'failed',
      code: 'invalid_recipient',
    });
    expect(graph.requests).toEqual([]);
  });
});

describe('whatsAppCloudSender: answers to retry', () => {
  it('retries HTTP 429 and honours Retry-After seconds', async () => {
    graph.enqueue(graphErrors.tooManyRequests({ 'retry-after': '30' }));
    expect(await sender.send(envelope(hello))).toEqual({
      type: 'retry',
      reason: expect.stringContaining('http 429 code 80007'),
      retryAfterMs: 30000,
    });
  });

  it('retries a throughput limit (130429) and honours a Retry-After date', async () => {
    graph.enqueue(graphErrors.throughput({ 'retry-after': 'Tue, 24 Nov 2026 15:00:05 GMT' }));
    expect(await sender.send(envelope(hello))).toEqual({
      type: 'retry',
      reason: expect.stringContaining('code 130429'),
      retryAfterMs: 5000,
    });
  });

  it('retries the pair rate limit (131056) after about six seconds', async () => {
    graph.enqueue(graphErrors.pairRate);
    expect(await sender.send(envelope(hello))).toEqual({
      type: 'retry',
      reason: expect.stringContaining('code 131056'),
      retryAfterMs: 6000,
    });
  });

  it('retries 5xx answers, with or without a Graph error body', async () => {
    graph.enqueue(graphErrors.serverError, { status: 502, body: 'Bad Gateway' });
    expect(await sender.send(envelope(hello))).toEqual({
      type: 'retry',
      reason: 'http 500 code 131000: (#131000) Something went wrong',
    });
    expect(await sender.send(envelope(hello))).toEqual({ type: 'retry', reason: 'http 502' });
  });

  it('leaves a dropped connection uncertain: Meta may have accepted the message', async () => {
    graph.enqueue({ status: 200, hangUp: true });
    expect(await sender.send(envelope(hello))).toEqual({
      type: 'uncertain',
      reason: expect.stringMatching(/^network: /),
    });
  });

  it('leaves a timeout uncertain rather than risk a second delivery', async () => {
    graph.enqueue({ status: 200, delayMs: 2000, body: { messages: [{ id: 'wamid.late' }] } });
    expect(await sender.send(envelope(hello))).toEqual({ type: 'uncertain', reason: 'timeout' });
  });

  it('retries when nothing listens', async () => {
    // A port that was just free: connecting is refused, so nothing can have been delivered.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const offline = whatsAppCloudSender({
      config: {
        token,
        phoneNumberId,
        apiVersion,
        graphBaseUrl: `http://127.0.0.1:${closedPort}`,
        sendTimeoutMs: 1000,
      },
      logger: silentLogger,
      clock: fixedClock(now),
    });
    expect(await offline.send(envelope(hello))).toMatchObject({ type: 'retry' });
  });
});

describe('whatsAppCloudSender: answers that fail for good', () => {
  it.each([
    ['outside the 24-hour window', graphErrors.reEngagement, '131047'],
    ['undeliverable', graphErrors.undeliverable, '131026'],
    ['template parameters', graphErrors.templateParams, '132000'],
    ['invalid parameter', graphErrors.invalidParameter, '100'],
  ])('fails %s with the Graph code', async (_what, answer, code) => {
    graph.enqueue(answer);
    expect(await sender.send(envelope(hello))).toEqual({
      type: 'failed',
      reason: expect.stringContaining(`code ${code}`),
      code,
    });
  });

  it('fails an expired token (190) and a 4xx without a Graph body', async () => {
    const wrongToken = whatsAppCloudSender({
      config: {
        token: 'expired',
        phoneNumberId,
        apiVersion,
        graphBaseUrl: graph.url,
        sendTimeoutMs: 1000,
      },
      logger: silentLogger,
      clock: fixedClock(now),
    });
    expect(await wrongToken.send(envelope(hello))).toMatchObject({ type: 'failed', code: '190' });
    graph.enqueue({ status: 404, body: 'not found' });
    expect(await sender.send(envelope(hello))).toMatchObject({ type: 'failed', code: 'http_404' });
  });

  it('keeps the 24-hour-window details in the reason for operators', async () => {
    graph.enqueue(graphErrors.reEngagement);
    const result = await sender.send(envelope(hello));
    expect(result.type === 'failed' && result.reason).toContain('more than 24 hours');
  });

  it('does not retry a 200 without a message id, which may have been delivered', async () => {
    graph.enqueue({ status: 200, body: { messaging_product: 'whatsapp' } });
    expect(await sender.send(envelope(hello))).toMatchObject({
      type: 'failed',
      code: 'no_message_id',
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores nonsense', () => {
    expect(parseRetryAfter('12', now)).toBe(12000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 14:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
