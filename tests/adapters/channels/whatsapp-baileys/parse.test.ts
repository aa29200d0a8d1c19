import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type { WAMessage } from '@whiskeysockets/baileys';
import { toRawEvent } from '../../../../src/adapters/channels/whatsapp-baileys/connection.js';
import {
  baileysParser,
  phoneFromJid,
  vcardPhones,
} from '../../../../src/adapters/channels/whatsapp-baileys/parse.js';
import { AppError } from '../../../../src/domain/errors.js';
import type { InboundMessage } from '../../../../src/domain/messaging/message.js';
import * as fx from '../../../fixtures/whatsapp-baileys/messages.js';

type Stored = Record<
  'lidText' | 'buttonReply' | 'image' | 'longTimestamp',
  Record<string, unknown>
>;
const stored = JSON.parse(
  readFileSync(
    new URL('../../../fixtures/whatsapp-baileys/stored-payloads.json', import.meta.url),
    'utf8',
  ),
) as Stored;

/** What the connection stores for a message, parsed back: the production path. */
function parseStored(message: WAMessage): InboundMessage {
  const stored: unknown = JSON.parse(JSON.stringify(toRawEvent(message, new Date()).payload));
  const items = baileysParser.parse(stored);
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item?.type !== 'message') throw new Error('expected a message');
  return item;
}

describe('baileysParser', () => {
  it('reads a phone-number sender: externalId is the JID, phone is E.164', () => {
    const item = parseStored(fx.pnText);
    expect(item).toEqual({
      type: 'message',
      providerMessageId: '3EB0C431D2A1F0E9B001',
      sender: {
        provider: 'whatsapp-baileys',
        externalId: '573001234567@s.whatsapp.net',
        phone: '+573001234567',
        profileName: 'Ana',
      },
      sentAt: new Date('2026-01-01T12:00:00Z'),
      content: { type: 'text', text: 'Hola, quiero pagar' },
    });
  });

  it('keeps a LID sender as the JID and takes the phone from remoteJidAlt', () => {
    const item = parseStored(fx.lidText);
    expect(item.sender.externalId).toBe('987654321098765@lid');
    // A Mexican mobile JID carries the old "1": the E.164 drops it.
    expect(item.sender.phone).toBe('+525512345678');
    expect(item.content).toEqual({ type: 'text', text: 'Puedo pagar el viernes' });
  });

  it('gives no phone for a LID sender whose number WhatsApp hid', () => {
    const item = parseStored(fx.lidWithoutPhone);
    expect(item.sender.externalId).toBe('222233334444555@lid');
    expect(item.sender.phone).toBeUndefined();
  });

  it('accepts the older senderPn field for a LID sender', () => {
    const payload = JSON.parse(
      JSON.stringify(toRawEvent(fx.lidWithoutPhone, new Date()).payload),
    ) as { key: Record<string, unknown> };
    payload.key['senderPn'] = '573005550000@s.whatsapp.net';
    const [item] = baileysParser.parse(payload);
    expect(item?.type === 'message' && item.sender.phone).toBe('+573005550000');
  });

  it('routes button, list, template-button and native-flow replies by option id', () => {
    expect(parseStored(fx.buttonReply).content).toEqual({
      type: 'choice',
      optionId: 'pay_today',
      label: 'Pagar hoy',
    });
    expect(parseStored(fx.listReply).content).toEqual({
      type: 'choice',
      optionId: 'plan_3',
      label: 'Plan en 3 cuotas',
    });
    expect(parseStored(fx.templateButtonReply).content).toEqual({
      type: 'choice',
      optionId: 'promise_friday',
      label: 'El viernes',
    });
    expect(parseStored(fx.nativeFlowReply).content).toEqual({
      type: 'choice',
      optionId: 'agent',
      label: 'Hablar con un asesor',
    });
  });

  it('reads media with the message id as the handle', () => {
    expect(parseStored(fx.image).content).toEqual({
      type: 'media',
      kind: 'image',
      mediaRef: '3EB0C431D2A1F0E9B011',
      mimeType: 'image/jpeg',
      caption: 'comprobante de pago',
      fileName: undefined,
    });
    expect(parseStored(fx.documentWithCaption).content).toEqual({
      type: 'media',
      kind: 'document',
      mediaRef: '3EB0C431D2A1F0E9B012',
      mimeType: 'application/pdf',
      caption: 'aquí está el recibo',
      fileName: 'recibo.pdf',
    });
    expect(parseStored(fx.voiceNote).content).toMatchObject({
      kind: 'audio',
      mimeType: 'audio/ogg; codecs=opus',
    });
    expect(parseStored(fx.video).content).toMatchObject({ kind: 'video', caption: 'mira' });
    expect(parseStored(fx.sticker).content).toMatchObject({ kind: 'sticker' });
  });

  it('reads locations and contacts', () => {
    expect(parseStored(fx.location).content).toEqual({
      type: 'location',
      latitude: 4.6097,
      longitude: -74.0817,
      name: 'Oficina centro',
    });
    expect(parseStored(fx.contact).content).toEqual({
      type: 'contact',
      name: 'Pedro Pérez',
      phones: ['+573009876543', '+576015551234'],
    });
  });

  it('unwraps disappearing messages', () => {
    expect(parseStored(fx.ephemeralText).content).toEqual({
      type: 'text',
      text: 'mensaje temporal',
    });
  });

  it('marks what it cannot read as unsupported, naming the type', () => {
    expect(parseStored(fx.reaction).content).toEqual({
      type: 'unsupported',
      providerType: 'reactionMessage',
    });
  });

  it('reads a Long timestamp from history sync', () => {
    expect(parseStored(fx.longTimestamp).sentAt).toEqual(new Date('2026-01-01T12:01:00Z'));
  });

  it('parses payloads exactly as stored (bytes as base64, 64-bit numbers as strings)', () => {
    expect(baileysParser.parse(stored.lidText)).toMatchObject([
      { sender: { externalId: '987654321098765@lid', phone: '+525512345678' } },
    ]);
    expect(baileysParser.parse(stored.buttonReply)).toMatchObject([
      { content: { type: 'choice', optionId: 'pay_today' } },
    ]);
    expect(baileysParser.parse(stored.image)).toMatchObject([
      { content: { type: 'media', kind: 'image', mediaRef: '3EB0C431D2A1F0E9B011' } },
    ]);
    expect(baileysParser.parse(stored.longTimestamp)).toMatchObject([
      { sentAt: new Date('2026-01-01T12:01:00Z') },
    ]);
    const asLong = { ...stored.lidText, messageTimestamp: { low: fx.T0, high: 0, unsigned: true } };
    expect(baileysParser.parse(asLong)).toMatchObject([
      { sentAt: new Date('2026-01-01T12:00:00Z') },
    ]);
  });

  it('returns nothing for our own messages and group messages', () => {
    const stored = (m: WAMessage): unknown => toRawEvent(m, new Date()).payload;
    expect(baileysParser.parse(stored(fx.fromMe))).toEqual([]);
    expect(baileysParser.parse(stored(fx.groupText))).toEqual([]);
    expect(baileysParser.parse(stored(fx.statusBroadcast))).toEqual([]);
  });

  it('rejects a payload that is not a WAMessage', () => {
    expect(() => baileysParser.parse({ hello: 'world' })).toThrow(AppError);
    expect(() => baileysParser.parse({ key: { remoteJid: fx.PN_JID, id: 'X' } })).toThrow(
      /messageTimestamp/,
    );
  });
});

describe('phoneFromJid', () => {
  it('drops the device suffix and keeps only plausible numbers', () => {
    expect(phoneFromJid('573001234567:12@s.whatsapp.net')).toBe('+573001234567');
    expect(phoneFromJid('5491112345678@s.whatsapp.net')).toBe('+5491112345678');
    expect(phoneFromJid('0123@s.whatsapp.net')).toBeUndefined();
  });
});

describe('vcardPhones', () => {
  it('prefers the WhatsApp id and de-duplicates', () => {
    const vcard =
      'BEGIN:VCARD\nTEL;waid=573001112233:+57 300 111 2233\nTEL:+573001112233\nEND:VCARD';
    expect(vcardPhones(vcard)).toEqual(['+573001112233']);
  });
});
