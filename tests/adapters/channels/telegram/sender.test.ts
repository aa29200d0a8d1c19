import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import {
  answerCallbackQuery,
  createTelegramSender,
} from '../../../../src/adapters/channels/telegram/sender.js';
import type { OutboundEnvelope } from '../../../../src/ports/channel.js';
import {
  startTelegramBotApi,
  type TelegramBotApiStandIn,
} from '../../../support/stand-ins/telegram-bot-api.js';

const logger = pino({ level: 'silent' });
let api: TelegramBotApiStandIn;
let sender: ReturnType<typeof createTelegramSender>;
const sleeps: number[] = [];

function envelope(content: OutboundEnvelope['content']): OutboundEnvelope {
  return {
    outboxId: '41',
    provider: 'telegram',
    recipient: '6112345678',
    content,
    locale: 'es-419',
  };
}

beforeAll(async () => {
  api = await startTelegramBotApi();
  sender = createTelegramSender({
    config: { botToken: api.token, apiRoot: api.url, sendTimeoutMs: 500 },
    logger,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
});

afterAll(async () => {
  await api.close();
});

beforeEach(() => {
  api.reset();
  sleeps.length = 0;
});

describe('Telegram sender (telegraf against the stand-in Bot API)', () => {
  it('sends text with sendMessage and reports chat:message as the provider id', async () => {
    const result = await sender.send(envelope({ type: 'text', text: 'Hola Camila' }));
    expect(result).toEqual({
      type: 'sent',
      providerMessageId: expect.stringMatching(/^6112345678:\d+$/),
    });
    expect(api.calls).toEqual([
      {
        method: 'sendMessage',
        token: api.token,
        contentType: 'application/json',
        body: { chat_id: '6112345678', text: 'Hola Camila' },
      },
    ]);
  });

  it('sends choices as an inline keyboard', async () => {
    await sender.send(
      envelope({
        type: 'choices',
        text: '¿Cómo quieres ponerte al día?',
        options: [
          { id: 'pay-in-full', label: 'Pagar todo hoy' },
          { id: 'plan', label: 'Un plan en cuotas' },
        ],
      }),
    );
    expect(api.callsTo('sendMessage')[0]?.body).toEqual({
      chat_id: '6112345678',
      text: '¿Cómo quieres ponerte al día?',
      reply_markup: {
        inline_keyboard: [
          [{ text: 'Pagar todo hoy', callback_data: 'pay-in-full' }],
          [{ text: 'Un plan en cuotas', callback_data: 'plan' }],
        ],
      },
    });
  });

  it('sends a document by URL with sendDocument', async () => {
    const result = await sender.send(
      envelope({
        type: 'document',
        url: 'https://cuota.example.com/files/acuerdo.pdf',
        fileName: 'acuerdo.pdf',
        caption: 'Tu acuerdo',
      }),
    );
    expect(result.type).toBe('sent');
    expect(api.callsTo('sendDocument')[0]?.body).toEqual({
      chat_id: '6112345678',
      document: 'https://cuota.example.com/files/acuerdo.pdf',
      caption: 'Tu acuerdo',
    });
  });

  it('sends a long text as several messages, in order', async () => {
    const text = `${'a'.repeat(4000)}\n\n${'b'.repeat(4000)}`;
    const result = await sender.send(envelope({ type: 'text', text }));
    expect(result.type).toBe('sent');
    expect(api.callsTo('sendMessage').map((c) => c.body.text)).toEqual([
      'a'.repeat(4000),
      'b'.repeat(4000),
    ]);
  });

  it('turns 429 into retry with retry_after in milliseconds', async () => {
    api.failNext('sendMessage', { status: 429, retryAfter: 7 });
    expect(await sender.send(envelope({ type: 'text', text: 'hola' }))).toEqual({
      type: 'retry',
      reason: 'Too Many Requests: retry after 7',
      retryAfterMs: 7000,
    });
  });

  it('turns 5xx into retry', async () => {
    api.failNext('sendMessage', { status: 500 });
    expect(await sender.send(envelope({ type: 'text', text: 'hola' }))).toMatchObject({
      type: 'retry',
    });
  });

  it('turns a blocked bot (403) into failed with the code', async () => {
    api.failNext('sendMessage', {
      status: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    expect(await sender.send(envelope({ type: 'text', text: 'hola' }))).toEqual({
      type: 'failed',
      reason: 'Forbidden: bot was blocked by the user',
      code: '403',
    });
  });

  it('turns chat not found (400) into failed with the code', async () => {
    api.failNext('sendMessage', { status: 400, description: 'Bad Request: chat not found' });
    expect(await sender.send(envelope({ type: 'text', text: 'hola' }))).toEqual({
      type: 'failed',
      reason: 'Bad Request: chat not found',
      code: '400',
    });
  });

  it('reports a timeout as uncertain: Telegram may have delivered it', async () => {
    api.failNext('sendMessage', { status: 'hang' });
    expect(await sender.send(envelope({ type: 'text', text: 'hola' }))).toEqual({
      type: 'uncertain',
      reason: 'timeout',
    });
  });

  it('reports a connection lost mid-request as uncertain', async () => {
    api.failNext('sendMessage', { status: 'reset' });
    expect(await sender.send(envelope({ type: 'text', text: 'hola' }))).toEqual({
      type: 'uncertain',
      reason: 'network: ECONNRESET',
    });
  });

  it('never retries an uncertain later piece in process', async () => {
    api.failNext('sendMessage', { status: 'pass' }, { status: 'hang' });
    const text = `${'a'.repeat(4000)}\n\n${'b'.repeat(100)}`;
    expect(await sender.send(envelope({ type: 'text', text }))).toEqual({
      type: 'uncertain',
      reason: 'partial delivery: piece 2 of 2: timeout',
    });
    expect(api.callsTo('sendMessage')).toHaveLength(2);
  });

  it('turns a refused connection into retry, without the token in the reason', async () => {
    const offline = createTelegramSender({
      config: { botToken: api.token, apiRoot: 'http://127.0.0.1:1', sendTimeoutMs: 500 },
      logger,
    });
    const result = await offline.send(envelope({ type: 'text', text: 'hola' }));
    expect(result).toEqual({ type: 'retry', reason: 'network: ECONNREFUSED' });
  });

  it('fails a bad token with 401 rather than retrying forever', async () => {
    const wrong = createTelegramSender({
      config: { botToken: '1:wrong-token', apiRoot: api.url, sendTimeoutMs: 500 },
      logger,
    });
    expect(await wrong.send(envelope({ type: 'text', text: 'hola' }))).toMatchObject({
      type: 'failed',
      code: '401',
    });
  });

  it('fails content it cannot render without calling Telegram', async () => {
    const result = await sender.send(
      envelope({ type: 'choices', text: 'x', options: [{ id: 'x'.repeat(65), label: 'X' }] }),
    );
    expect(result).toEqual({
      type: 'failed',
      reason: 'cannot render: callback-data-too-long',
      code: 'render',
    });
    expect(api.calls).toHaveLength(0);
  });

  it('waits out a 429 on a later piece instead of resending the first', async () => {
    api.failNext('sendMessage', { status: 'pass' }, { status: 429, retryAfter: 1 });
    const text = `${'a'.repeat(4000)}\n\n${'b'.repeat(100)}`;
    const result = await sender.send(envelope({ type: 'text', text }));
    expect(result.type).toBe('sent');
    expect(sleeps).toEqual([1000]);
    expect(api.callsTo('sendMessage').map((c) => String(c.body.text).slice(0, 1))).toEqual([
      'a',
      'b',
      'b',
    ]);
  });

  it('reports a later piece that keeps failing as a partial delivery, never a retry', async () => {
    const text = `${'a'.repeat(4000)}\n\n${'b'.repeat(100)}`;
    const tooMany = { status: 429, retryAfter: 60 } as const;
    api.failNext('sendMessage', { status: 'pass' }, tooMany, tooMany, tooMany);
    expect(await sender.send(envelope({ type: 'text', text }))).toEqual({
      type: 'failed',
      reason: 'partial delivery: piece 2 of 2: Too Many Requests: retry after 60',
      code: 'partial',
    });
    // Waits are capped: the dispatcher, not this call, owns long backoffs.
    expect(sleeps).toEqual([10_000, 10_000]);

    api.reset();
    api.failNext(
      'sendMessage',
      { status: 'pass' },
      {
        status: 403,
        description: 'Forbidden: bot was blocked by the user',
      },
    );
    expect(await sender.send(envelope({ type: 'text', text }))).toMatchObject({
      type: 'failed',
      code: '403',
    });
  });
});

describe('answerCallbackQuery', () => {
  it('answers the button press through the Bot API', async () => {
    await answerCallbackQuery(sender.telegram, '2625154927893617425', logger);
    expect(api.callsTo('answerCallbackQuery')[0]?.body).toEqual({
      callback_query_id: '2625154927893617425',
    });
  });

  it('logs, never throws, when Telegram refuses', async () => {
    api.failNext('answerCallbackQuery', {
      status: 400,
      description:
        'Bad Request: query is too old and response timeout expired or query ID is invalid',
    });
    await expect(answerCallbackQuery(sender.telegram, 'old', logger)).resolves.toBeUndefined();
  });
});
