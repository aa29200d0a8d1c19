import { describe, expect, it } from '@jest/globals';
import { Boom } from '@hapi/boom';
import { initAuthCreds, type proto, type WAMessage } from '@whiskeysockets/baileys';
import pino from 'pino';
import type { BaileysSocket } from '../../../../src/adapters/channels/whatsapp-baileys/connection.js';
import type { SentMessageStore } from '../../../../src/adapters/channels/whatsapp-baileys/message-store.js';
import {
  classifySendError,
  createBaileysSender,
  recipientJid,
  renderChoices,
} from '../../../../src/adapters/channels/whatsapp-baileys/sender.js';
import type { OutboundContent } from '../../../../src/domain/messaging/message.js';
import type { OutboundEnvelope } from '../../../../src/ports/channel.js';
import { SocketDouble } from './socket-double.js';

const logger = pino({ level: 'silent' });

class MemorySentMessages implements SentMessageStore {
  readonly saved: WAMessage[] = [];
  save(message: WAMessage) {
    this.saved.push(message);
    return Promise.resolve();
  }
  get(): Promise<proto.IMessage | undefined> {
    return Promise.resolve(undefined);
  }
  prune() {
    return Promise.resolve(0);
  }
}

function setup(overrides: { minIntervalMs?: number; maxPerMinute?: number } = {}) {
  let nowMs = Date.UTC(2026, 0, 1, 12);
  const socket = new SocketDouble({
    auth: { creds: initAuthCreds(), keys: { get: () => ({}), set: () => undefined } },
    getMessage: () => Promise.resolve(undefined),
    logger,
  });
  let isOpen = true;
  const sentMessages = new MemorySentMessages();
  const sender = createBaileysSender({
    connection: {
      socket: (): BaileysSocket | undefined => (isOpen ? socket : undefined),
      sentMessages,
    },
    minIntervalMs: overrides.minIntervalMs ?? 3000,
    maxPerMinute: overrides.maxPerMinute ?? 8,
    logger,
    now: () => nowMs,
    renderTemplate: (t) =>
      t.name === 'reminder' ? `Hola ${t.variables[0] ?? ''}, recuerda tu pago.` : undefined,
  });
  return {
    socket,
    sender,
    sentMessages,
    advance: (ms: number) => {
      nowMs += ms;
    },
    setOpen: (open: boolean) => {
      isOpen = open;
    },
  };
}

let outboxSeq = 0;
function envelope(content: OutboundContent, recipient = '987654321098765@lid'): OutboundEnvelope {
  outboxSeq += 1;
  return {
    outboxId: `ob-${outboxSeq}`,
    provider: 'whatsapp-baileys',
    recipient,
    content,
    locale: 'es-419',
  };
}

describe('createBaileysSender', () => {
  it('sends text to the JID and keeps the message for re-send requests', async () => {
    const { socket, sender, sentMessages } = setup();
    const result = await sender.send(envelope({ type: 'text', text: 'Tu saldo es $120.000' }));
    expect(result).toEqual({ type: 'sent', providerMessageId: '3EB0FFFF000000000001' });
    expect(socket.sent).toEqual([
      { jid: '987654321098765@lid', content: { text: 'Tu saldo es $120.000' } },
    ]);
    expect(sentMessages.saved.map((m) => m.key.id)).toEqual(['3EB0FFFF000000000001']);
  });

  it('renders choices as numbered text with a hint in the conversation language', async () => {
    const { socket, sender } = setup();
    await sender.send(
      envelope(
        {
          type: 'choices',
          text: '¿Cómo quieres pagar?',
          options: [
            { id: 'full', label: 'Todo hoy' },
            { id: 'plan', label: 'En cuotas' },
          ],
        },
        '+573001234567',
      ),
    );
    expect(socket.sent[0]).toEqual({
      jid: '573001234567@s.whatsapp.net',
      content: {
        text: '¿Cómo quieres pagar?\n\n1. Todo hoy\n2. En cuotas\n\nResponde con el número de tu opción.',
      },
    });
    expect(
      renderChoices({ type: 'choices', text: 'Pick', options: [{ id: 'a', label: 'A' }] }, 'pt-BR'),
    ).toBe('Pick\n\n1. A\n\nResponda com o número da sua opção.');
  });

  it('sends templates as plain text, and fails those it cannot render', async () => {
    const { socket, sender, advance } = setup();
    const ok = await sender.send(
      envelope({ type: 'template', name: 'reminder', language: 'es', variables: ['Ana'] }),
    );
    expect(ok.type).toBe('sent');
    expect(socket.sent[0]?.content).toEqual({ text: 'Hola Ana, recuerda tu pago.' });
    advance(5000);
    expect(
      await sender.send(
        envelope({ type: 'template', name: 'unknown', language: 'es', variables: [] }),
      ),
    ).toMatchObject({ type: 'failed', code: 'unrenderable' });
  });

  it('sends documents by URL with their file name and type', async () => {
    const { socket, sender } = setup();
    await sender.send(
      envelope({
        type: 'document',
        url: 'https://cuota.example.com/files/paz-y-salvo.pdf',
        fileName: 'paz-y-salvo.pdf',
        caption: 'Tu paz y salvo',
      }),
    );
    expect(socket.sent[0]?.content).toEqual({
      document: { url: 'https://cuota.example.com/files/paz-y-salvo.pdf' },
      fileName: 'paz-y-salvo.pdf',
      mimetype: 'application/pdf',
      caption: 'Tu paz y salvo',
    });
  });

  it('paces one message per chat per interval', async () => {
    const { socket, sender, advance } = setup({ minIntervalMs: 3000 });
    expect((await sender.send(envelope({ type: 'text', text: '1' }))).type).toBe('sent');
    advance(1000);
    expect(await sender.send(envelope({ type: 'text', text: '2' }))).toEqual({
      type: 'retry',
      reason: 'paced',
      retryAfterMs: 2000,
    });
    // Another chat is not held back by this one.
    expect(
      (await sender.send(envelope({ type: 'text', text: 'x' }, '573001234567@s.whatsapp.net')))
        .type,
    ).toBe('sent');
    advance(2000);
    expect((await sender.send(envelope({ type: 'text', text: '2' }))).type).toBe('sent');
    expect(socket.sent.map((s) => ('text' in s.content ? s.content.text : ''))).toEqual([
      '1',
      'x',
      '2',
    ]);
  });

  it('caps messages per minute across chats', async () => {
    const { sender, advance } = setup({ minIntervalMs: 500, maxPerMinute: 3 });
    for (let i = 0; i < 3; i += 1) {
      expect(
        (await sender.send(envelope({ type: 'text', text: 'hola' }, `57300000000${i}`))).type,
      ).toBe('sent');
      advance(10_000);
    }
    expect(await sender.send(envelope({ type: 'text', text: 'hola' }, '573000000009'))).toEqual({
      type: 'retry',
      reason: 'paced',
      retryAfterMs: 30_000,
    });
    advance(30_000);
    expect((await sender.send(envelope({ type: 'text', text: 'hola' }, '573000000009'))).type).toBe(
      'sent',
    );
  });

  it('answers retry while the session is not connected', async () => {
    const { sender, setOpen, socket } = setup();
    setOpen(false);
    expect(await sender.send(envelope({ type: 'text', text: 'hola' }))).toMatchObject({
      type: 'retry',
      reason: 'whatsapp-baileys not connected',
    });
    expect(socket.sent).toEqual([]);
  });

  it('maps connection errors to retry and refusals to failed', async () => {
    const { sender, socket, advance } = setup();
    socket.failNextSend = new Boom('Connection Closed', { statusCode: 428 });
    expect(await sender.send(envelope({ type: 'text', text: 'a' }))).toMatchObject({
      type: 'retry',
    });
    advance(5000);
    socket.failNextSend = new Boom('not-acceptable', { statusCode: 406 });
    expect(await sender.send(envelope({ type: 'text', text: 'a' }))).toMatchObject({
      type: 'failed',
      code: '406',
    });
    expect(classifySendError(new Boom('rate-overlimit', { statusCode: 429 }))).toMatchObject({
      type: 'retry',
      retryAfterMs: 300_000,
    });
    expect(classifySendError(new Error('Timed Out'))).toMatchObject({ type: 'retry' });
    expect(classifySendError(new Error('invalid media type'))).toMatchObject({ type: 'failed' });
  });

  it('refuses recipients that are not a WhatsApp user', async () => {
    const { sender } = setup();
    expect(
      await sender.send(envelope({ type: 'text', text: 'x' }, '120363025246125244@g.us')),
    ).toMatchObject({
      type: 'failed',
      code: 'invalid_recipient',
    });
    expect(recipientJid('573001234567:12@s.whatsapp.net')).toBe('573001234567@s.whatsapp.net');
    expect(recipientJid('+57 300')).toBeUndefined();
  });
});
