import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { whatsAppCloudParser } from '../../../../src/adapters/channels/whatsapp-cloud/parse.js';
import type { InboundItem, InboundMessage } from '../../../../src/domain/messaging/message.js';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`../../../fixtures/whatsapp-cloud/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

function onlyMessage(name: string): InboundMessage {
  const items = whatsAppCloudParser.parse(fixture(name));
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item?.type !== 'message') throw new Error(`expected a message, got ${item?.type}`);
  return item;
}

const sentAt = new Date('2026-11-24T14:58:20Z');

describe('whatsAppCloudParser: messages', () => {
  it('reads a text message with its sender, phone, profile name and time', () => {
    expect(onlyMessage('text.json')).toEqual({
      type: 'message',
      providerMessageId: 'wamid.HBgMNTczMDAxMjM0NTY3FQIAEhggQTNFQjYxRDk401',
      sender: {
        provider: 'whatsapp-cloud',
        externalId: '573001234567',
        phone: '+573001234567',
        profileName: 'Ana Gómez',
      },
      sentAt,
      content: { type: 'text', text: 'Hola, quiero saber cuánto debo' },
    });
  });

  it('routes a reply button by its id', () => {
    expect(onlyMessage('button-reply.json').content).toEqual({
      type: 'choice',
      optionId: 'plan.accept',
      label: 'Sí, acepto',
    });
  });

  it('routes a list row by its id', () => {
    expect(onlyMessage('list-reply.json').content).toEqual({
      type: 'choice',
      optionId: 'installments.6',
      label: '6 cuotas',
    });
  });

  it('routes a template quick reply by its payload', () => {
    expect(onlyMessage('template-quick-reply.json').content).toEqual({
      type: 'choice',
      optionId: 'reminder.talk',
      label: 'Quiero hablar',
    });
  });

  it('reads an image with its caption and mime type', () => {
    expect(onlyMessage('image-caption.json').content).toEqual({
      type: 'media',
      kind: 'image',
      mediaRef: '1587346938799517',
      mimeType: 'image/jpeg',
      caption: 'Comprobante de pago',
      fileName: undefined,
    });
  });

  it('reads a voice note', () => {
    expect(onlyMessage('audio.json').content).toEqual({
      type: 'media',
      kind: 'audio',
      mediaRef: '917365213048926',
      mimeType: 'audio/ogg; codecs=opus',
      caption: undefined,
      fileName: undefined,
    });
  });

  it('reads a document with its file name', () => {
    expect(onlyMessage('document.json').content).toMatchObject({
      type: 'media',
      kind: 'document',
      mediaRef: '783415963087461',
      mimeType: 'application/pdf',
      caption: 'Extracto',
      fileName: 'extracto-octubre.pdf',
    });
  });

  it('reads a location', () => {
    expect(onlyMessage('location.json').content).toEqual({
      type: 'location',
      latitude: 4.6533326,
      longitude: -74.083652,
      name: 'Oficina Chapinero',
    });
  });

  it('reads a shared contact', () => {
    expect(onlyMessage('contacts.json').content).toEqual({
      type: 'contact',
      name: 'Carlos Gómez',
      phones: ['+57 310 555 1234'],
    });
  });

  it.each([
    ['reaction.json', 'reaction'],
    ['unsupported.json', 'unsupported'],
  ])('marks %s as unsupported', (file, providerType) => {
    expect(onlyMessage(file).content).toEqual({ type: 'unsupported', providerType });
  });

  it('marks unknown types and malformed known types as unsupported instead of failing', () => {
    const payload = fixture('text.json');
    const value = (payload as { entry: { changes: { value: { messages: unknown[] } }[] }[] })
      .entry[0]!.changes[0]!.value;
    value.messages = [
      { from: '573001234567', id: 'wamid.A', timestamp: '1795532300', type: 'order', order: {} },
      { from: '573001234567', id: 'wamid.B', timestamp: '1795532300', type: 'text' },
      { from: '573001234567', id: 'wamid.C', timestamp: 1795532300, type: 'image', image: {} },
    ];
    expect(
      whatsAppCloudParser.parse(payload).map((i) => i.type === 'message' && i.content),
    ).toEqual([
      { type: 'unsupported', providerType: 'order' },
      { type: 'unsupported', providerType: 'text' },
      { type: 'unsupported', providerType: 'image' },
    ]);
  });

  it('gives no phone when the sender id is not a phone number', () => {
    const payload = fixture('text.json');
    const value = (payload as { entry: { changes: { value: Record<string, unknown> }[] }[] })
      .entry[0]!.changes[0]!.value;
    value.contacts = [];
    value.messages = [
      {
        from: 'CO.1234abcd',
        id: 'wamid.X',
        timestamp: '1795532300',
        type: 'text',
        text: { body: 'hola' },
      },
    ];
    const [item] = whatsAppCloudParser.parse(payload);
    expect(item?.type === 'message' && item.sender).toEqual({
      provider: 'whatsapp-cloud',
      externalId: 'CO.1234abcd',
      phone: undefined,
      profileName: undefined,
    });
  });
});

describe('whatsAppCloudParser: statuses', () => {
  const base = {
    type: 'status',
    provider: 'whatsapp-cloud',
    providerMessageId: 'wamid.HBgMNTczMDAxMjM0NTY3FQIAERgSNDhEMkE3RjBBMUE2QjQ1MkUA',
    at: sentAt,
    outboxId: '4711',
    errorCode: undefined,
    errorTitle: undefined,
  };

  it.each([
    ['status-sent.json', 'sent'],
    ['status-delivered.json', 'delivered'],
    ['status-read.json', 'read'],
  ])('reads %s with the outbox id from biz_opaque_callback_data', (file, state) => {
    expect(whatsAppCloudParser.parse(fixture(file))).toEqual([{ ...base, state }]);
  });

  it('reads a failed status with the first error code and title', () => {
    expect(whatsAppCloudParser.parse(fixture('status-failed.json'))).toEqual([
      { ...base, state: 'failed', errorCode: '131047', errorTitle: 'Re-engagement message' },
    ]);
  });

  it('skips states cuota does not track', () => {
    const payload = fixture('status-read.json');
    const value = (
      payload as { entry: { changes: { value: { statuses: { status: string }[] } }[] }[] }
    ).entry[0]!.changes[0]!.value;
    value.statuses[0]!.status = 'deleted';
    expect(whatsAppCloudParser.parse(payload)).toEqual([]);
  });
});

describe('whatsAppCloudParser: envelopes', () => {
  it('reads every entry and change of one body, messages and statuses alike', () => {
    const parts = ['text.json', 'status-delivered.json', 'image-caption.json'].map(fixture);
    const combined = {
      object: 'whatsapp_business_account',
      entry: parts.flatMap((p) => (p as { entry: unknown[] }).entry),
    };
    const items: InboundItem[] = whatsAppCloudParser.parse(combined);
    expect(items.map((i) => (i.type === 'message' ? i.content.type : i.state))).toEqual([
      'text',
      'delivered',
      'media',
    ]);
  });

  it('ignores changes that are not messages (such as template status updates)', () => {
    expect(
      whatsAppCloudParser.parse({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'message_template_status_update',
                value: { event: 'APPROVED', message_template_id: 1, message_template_name: 'x' },
              },
            ],
          },
        ],
      }),
    ).toEqual([]);
  });

  it('throws on a payload that is not a WhatsApp Business Account webhook', () => {
    expect(() => whatsAppCloudParser.parse({ object: 'page', entry: [] })).toThrow();
    expect(() => whatsAppCloudParser.parse('nope')).toThrow();
  });
});
