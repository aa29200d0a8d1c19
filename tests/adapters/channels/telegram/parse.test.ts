import { describe, expect, it } from '@jest/globals';
import { AppError } from '../../../../src/domain/errors.js';
import {
  callbackQueryIdOf,
  createTelegramParser,
  telegramParser,
} from '../../../../src/adapters/channels/telegram/parse.js';
import { update } from './fixtures.js';

const camila = {
  provider: 'telegram',
  externalId: '6112345678',
  profileName: 'Camila Rojas',
} as const;

describe('telegramParser', () => {
  it('reads a text message: chat id as sender, update_id as id, date in unix seconds', () => {
    expect(telegramParser.parse(update('text'))).toEqual([
      {
        type: 'message',
        providerMessageId: '734019201',
        sender: camila,
        sentAt: new Date('2026-01-01T10:00:00Z'),
        content: { type: 'text', text: 'Hola, quiero saber cuánto debo' },
      },
    ]);
  });

  it('reads a button press as a choice routed by callback_data, labelled from the keyboard', () => {
    const receivedAt = new Date('2026-01-01T10:00:09Z');
    expect(telegramParser.parse(update('callback-query'), { receivedAt })).toEqual([
      {
        type: 'message',
        providerMessageId: '734019202',
        sender: camila,
        sentAt: receivedAt,
        content: { type: 'choice', optionId: 'plan', label: 'Un plan en cuotas' },
      },
    ]);
    // Without the stored event's time, the message carrying the keyboard dates it.
    const [withoutContext] = telegramParser.parse(update('callback-query'));
    expect(withoutContext?.type === 'message' && withoutContext.sentAt).toEqual(
      new Date(1767261605 * 1000),
    );
  });

  it("takes the sender's phone, in E.164, from their own shared contact", () => {
    const [item] = telegramParser.parse(update('contact-own'));
    expect(item).toEqual({
      type: 'message',
      providerMessageId: '734019203',
      sender: { ...camila, phone: '+573001234567' },
      sentAt: new Date(1767261660 * 1000),
      content: { type: 'contact', name: 'Camila Rojas', phones: ['+573001234567'] },
    });
  });

  it("does not take somebody else's contact as the sender's phone", () => {
    const [item] = telegramParser.parse(update('contact-other'));
    expect(item?.type === 'message' && item.sender.phone).toBeUndefined();
    expect(item?.type === 'message' && item.content).toEqual({
      type: 'contact',
      name: 'Mamá',
      phones: ['+573105550101'],
    });
  });

  it('does not trust a forwarded contact even when its user_id matches the sender', () => {
    const payload = update('contact-own');
    const message = payload.message as Record<string, unknown>;
    message.forward_origin = {
      type: 'user',
      date: 1767261000,
      sender_user: { id: 6112345678, is_bot: false, first_name: 'Camila' },
    };
    const [item] = telegramParser.parse(payload);
    expect(item?.type === 'message' && item.sender.phone).toBeUndefined();
  });

  it('normalises a local-format phone-book contact only with a default country', () => {
    const payload = update('contact-other');
    const message = payload.message as { contact: Record<string, unknown> };
    message.contact = { phone_number: '310 555 0101', first_name: 'Mamá' };
    const [withoutCountry] = telegramParser.parse(payload);
    expect(withoutCountry?.type === 'message' && withoutCountry.content).toMatchObject({
      phones: [],
    });
    const [withCountry] = createTelegramParser({ defaultCountry: 'CO' }).parse(payload);
    expect(withCountry?.type === 'message' && withCountry.content).toMatchObject({
      phones: ['+573105550101'],
    });
  });

  it('reads a photo as image media: the largest size, with its caption', () => {
    const [item] = telegramParser.parse(update('photo-caption'));
    expect(item?.type === 'message' && item.content).toEqual({
      type: 'media',
      kind: 'image',
      mediaRef: 'AgACAgEAAxkBAAIBnWd0s1aLarge_1280',
      caption: 'Este es el comprobante del pago de ayer',
    });
    expect(item?.type === 'message' && item.sender.profileName).toBe('Camila');
  });

  it('reads a voice note as audio media', () => {
    const [item] = telegramParser.parse(update('voice'));
    expect(item?.type === 'message' && item.content).toEqual({
      type: 'media',
      kind: 'audio',
      mediaRef: 'AwACAgEAAxkBAAIBnmd0s2VoiceNote',
      mimeType: 'audio/ogg',
      caption: undefined,
      fileName: undefined,
    });
  });

  it('reads a document with its file name and mime type', () => {
    const [item] = telegramParser.parse(update('document'));
    expect(item?.type === 'message' && item.content).toMatchObject({
      type: 'media',
      kind: 'document',
      mediaRef: 'BQACAgEAAxkBAAIBoGd0s3PdfDocument',
      mimeType: 'application/pdf',
      fileName: 'extracto-diciembre.pdf',
      caption: 'Mi extracto',
    });
  });

  it('reads a location', () => {
    const [item] = telegramParser.parse(update('location'));
    expect(item?.type === 'message' && item.content).toEqual({
      type: 'location',
      latitude: 4.710989,
      longitude: -74.07209,
    });
  });

  it('reads a /start deep link as text, for linkCommandOf', () => {
    const [item] = telegramParser.parse(update('start-token'));
    expect(item?.type === 'message' && item.content).toEqual({
      type: 'text',
      text: '/start AWlfgCA_bCqOWx1MfpovDY5rTBpXdy3wL3_vl2xuVaLG3LTWTw',
    });
  });

  it('marks a message it cannot read as unsupported, naming its kind', () => {
    const [item] = telegramParser.parse(update('poll'));
    expect(item?.type === 'message' && item.content).toEqual({
      type: 'unsupported',
      providerType: 'poll',
    });
  });

  it('ignores edits, group chats, bots and update kinds it does not read', () => {
    expect(telegramParser.parse(update('edited-message'))).toEqual([]);
    expect(telegramParser.parse(update('group-text'))).toEqual([]);
    const fromBot = update('text');
    (fromBot.message as { from: { is_bot: boolean } }).from.is_bot = true;
    expect(telegramParser.parse(fromBot)).toEqual([]);
    expect(
      telegramParser.parse({
        update_id: 5,
        my_chat_member: {
          chat: { id: 1, type: 'private' },
          from: { id: 1, is_bot: false, first_name: 'A' },
          date: 1,
          old_chat_member: { status: 'member' },
          new_chat_member: { status: 'kicked' },
        },
      }),
    ).toEqual([]);
  });

  it('throws on a payload that is not a Telegram Update', () => {
    expect(() => telegramParser.parse({ hello: 'world' })).toThrow(AppError);
    expect(() => telegramParser.parse({ update_id: 1, message: { text: 'no chat' } })).toThrow(
      /not a Telegram message/,
    );
  });
});

describe('callbackQueryIdOf', () => {
  it('finds the id to answer, only on callback queries', () => {
    expect(callbackQueryIdOf(update('callback-query'))).toBe('2625154927893617425');
    expect(callbackQueryIdOf(update('text'))).toBeUndefined();
    expect(callbackQueryIdOf(null)).toBeUndefined();
  });
});
