/**
 * Turns a stored Baileys WAMessage (the JSON the connection stored: protobuf bytes as base64,
 * 64-bit numbers as strings or Long objects) into the canonical message model.
 *
 * Identity: WhatsApp now addresses many chats by LID (`123@lid`), an opaque id that reveals no
 * phone number. The sender's externalId is the chat JID exactly as given; `phone` is set only
 * when a phone-number JID is known, from the JID itself or from the alternate JID Baileys v7
 * puts on the key (`remoteJidAlt`; `senderPn` on older builds).
 */
import { z } from 'zod';
import { AppError } from '../../../domain/errors.js';
import type {
  DeliveryState,
  InboundContent,
  InboundItem,
  InboundMessage,
  MediaKind,
} from '../../../domain/messaging/message.js';
import type { InboundParser } from '../../../ports/channel.js';

const provider = 'whatsapp-baileys' as const;

const LongSchema = z.object({ low: z.number(), high: z.number() }).loose();

const TimestampSchema = z.union([z.number(), z.string().regex(/^\d+$/), LongSchema]);

const KeySchema = z
  .object({
    remoteJid: z.string().min(3),
    remoteJidAlt: z.string().nullish(),
    senderPn: z.string().nullish(),
    fromMe: z.boolean().nullish(),
    id: z.string().min(1),
    participant: z.string().nullish(),
  })
  .loose();

const WAMessageSchema = z
  .object({
    key: KeySchema,
    message: z.record(z.string(), z.unknown()).nullish(),
    messageTimestamp: TimestampSchema.nullish(),
    pushName: z.string().nullish(),
  })
  .loose();

/** What the connection stores for a delivery receipt (see toStatusEvent). */
const StatusUpdateSchema = z.object({
  key: z.object({ remoteJid: z.string(), fromMe: z.literal(true), id: z.string().min(1) }).loose(),
  update: z.object({ status: z.number().int() }).loose(),
  receivedAt: z.iso.datetime({ offset: true }),
});

/** proto.WebMessageInfo.Status: ERROR 0, PENDING 1, SERVER_ACK 2, DELIVERY_ACK 3, READ 4, PLAYED 5. */
const deliveryStateOf: Readonly<Record<number, DeliveryState>> = {
  0: 'failed',
  2: 'sent',
  3: 'delivered',
  4: 'read',
  5: 'read',
};

type Fields = Record<string, unknown>;

/** Wrappers whose `.message` holds the real content (as Baileys' normalizeMessageContent). */
const wrappers = [
  'ephemeralMessage',
  'viewOnceMessage',
  'documentWithCaptionMessage',
  'viewOnceMessageV2',
  'viewOnceMessageV2Extension',
  'editedMessage',
] as const;

/** Keys that ride along with the content and are not a content type themselves. */
const companions = new Set(['messageContextInfo', 'senderKeyDistributionMessage']);

const mediaKinds: Readonly<Record<string, MediaKind>> = {
  imageMessage: 'image',
  audioMessage: 'audio',
  videoMessage: 'video',
  ptvMessage: 'video',
  documentMessage: 'document',
  stickerMessage: 'sticker',
};

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(fields: Fields, key: string): string | undefined {
  const value = fields[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(fields: Fields, key: string): number | undefined {
  const value = fields[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

function unwrap(message: Fields): Fields {
  let content = message;
  for (let depth = 0; depth < 5; depth += 1) {
    const wrapper = wrappers.map((w) => content[w]).find(isFields);
    const inner = wrapper?.['message'];
    if (!isFields(inner)) break;
    content = inner;
  }
  return content;
}

function contentType(content: Fields): string | undefined {
  return Object.keys(content).find(
    (k) => !companions.has(k) && content[k] !== null && content[k] !== undefined,
  );
}

/** Seconds since the epoch as Baileys carries them: a number, a decimal string or a Long. */
function timestampSeconds(value: z.infer<typeof TimestampSchema>): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return (value.high >>> 0) * 2 ** 32 + (value.low >>> 0);
}

/** The user part of a JID, without the device suffix: "57300:12@s.whatsapp.net" -> "57300". */
function jidUser(jid: string): string {
  return jid.slice(0, jid.indexOf('@')).split(':')[0] ?? '';
}

function isPhoneJid(jid: string | null | undefined): jid is string {
  return typeof jid === 'string' && (jid.endsWith('@s.whatsapp.net') || jid.endsWith('@c.us'));
}

/**
 * E.164 for a phone-number JID. Mexican mobile JIDs still carry the "1" after 52 that Mexico
 * dropped from dialling in 2019; contact points hold the current form (+52 and ten digits).
 */
export function phoneFromJid(jid: string): string | undefined {
  let digits = jidUser(jid);
  if (!/^[1-9]\d{6,14}$/.test(digits)) return undefined;
  if (/^521\d{10}$/.test(digits)) digits = `52${digits.slice(3)}`;
  return `+${digits}`;
}

/** Phone numbers written in a vCard's TEL lines (or its waid parameter), digits and a leading +. */
export function vcardPhones(vcard: string): string[] {
  const phones: string[] = [];
  for (const line of vcard.split(/\r?\n/)) {
    if (!/^(item\d+\.)?TEL/i.test(line)) continue;
    const waid = /waid=(\d+)/i.exec(line)?.[1];
    const value = line.slice(line.indexOf(':') + 1).trim();
    const phone = waid === undefined ? value.replace(/[^\d+]/g, '') : `+${waid}`;
    if (phone.replace('+', '').length >= 5 && !phones.includes(phone)) phones.push(phone);
  }
  return phones;
}

function choice(optionId: string | undefined, label: string | undefined): InboundContent | null {
  return optionId === undefined ? null : { type: 'choice', optionId, label };
}

function nativeFlowChoice(response: Fields): InboundContent | null {
  const flow = response['nativeFlowResponseMessage'];
  if (!isFields(flow)) return null;
  const params = str(flow, 'paramsJson');
  if (params === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(params);
    if (isFields(parsed) && typeof parsed['id'] === 'string') {
      return choice(parsed['id'], str(isFields(response['body']) ? response['body'] : {}, 'text'));
    }
  } catch {
    // A flow reply that is not the JSON a button sends is read as unsupported below.
  }
  return null;
}

function readContent(type: string, fields: Fields, messageId: string): InboundContent | null {
  switch (type) {
    case 'extendedTextMessage': {
      const text = str(fields, 'text');
      return text === undefined ? null : { type: 'text', text };
    }
    case 'buttonsResponseMessage':
      return choice(str(fields, 'selectedButtonId'), str(fields, 'selectedDisplayText'));
    case 'templateButtonReplyMessage':
      return choice(str(fields, 'selectedId'), str(fields, 'selectedDisplayText'));
    case 'listResponseMessage': {
      const reply = fields['singleSelectReply'];
      return choice(
        isFields(reply) ? str(reply, 'selectedRowId') : undefined,
        str(fields, 'title'),
      );
    }
    case 'interactiveResponseMessage':
      return nativeFlowChoice(fields);
    case 'locationMessage':
    case 'liveLocationMessage': {
      const latitude = num(fields, 'degreesLatitude');
      const longitude = num(fields, 'degreesLongitude');
      if (latitude === undefined || longitude === undefined) return null;
      return { type: 'location', latitude, longitude, name: str(fields, 'name') };
    }
    case 'contactMessage':
      return {
        type: 'contact',
        name: str(fields, 'displayName'),
        phones: vcardPhones(str(fields, 'vcard') ?? ''),
      };
    case 'contactsArrayMessage': {
      const contacts = Array.isArray(fields['contacts']) ? fields['contacts'].filter(isFields) : [];
      const first = contacts[0];
      return {
        type: 'contact',
        name: first === undefined ? str(fields, 'displayName') : str(first, 'displayName'),
        phones: [...new Set(contacts.flatMap((c) => vcardPhones(str(c, 'vcard') ?? '')))],
      };
    }
    default: {
      const kind = mediaKinds[type];
      if (kind === undefined) return null;
      return {
        type: 'media',
        kind,
        mediaRef: messageId,
        mimeType: str(fields, 'mimetype'),
        caption: str(fields, 'caption'),
        fileName: str(fields, 'fileName'),
      };
    }
  }
}

function parseContent(message: Fields, messageId: string): InboundContent {
  const content = unwrap(message);
  const type = contentType(content);
  if (type === undefined) return { type: 'unsupported', providerType: 'empty' };
  const conversation = str(content, 'conversation');
  if (type === 'conversation') {
    return conversation === undefined
      ? { type: 'unsupported', providerType: type }
      : { type: 'text', text: conversation };
  }
  const fields = content[type];
  const read = isFields(fields) ? readContent(type, fields, messageId) : null;
  return read ?? { type: 'unsupported', providerType: type };
}

/**
 * Parses one stored WAMessage (or a delivery receipt the connection stored). Returns no items for what is not a debtor's one-to-one message
 * (ours, a group, status or broadcast); throws AppError('bad_request') when the payload is not a
 * WAMessage at all.
 */
export function parseBaileysMessage(payload: unknown): InboundItem[] {
  if (isFields(payload) && 'update' in payload && !('message' in payload)) {
    return parseStatus(payload);
  }
  const parsed = WAMessageSchema.safeParse(payload);
  if (!parsed.success) {
    throw new AppError('bad_request', 'not a Baileys WAMessage', {
      details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  const { key, message, messageTimestamp, pushName } = parsed.data;
  const jid = key.remoteJid;
  if (key.fromMe === true || !/@(s\.whatsapp\.net|c\.us|lid)$/.test(jid)) return [];
  if (messageTimestamp === null || messageTimestamp === undefined) {
    throw new AppError('bad_request', 'Baileys WAMessage without messageTimestamp');
  }
  const phoneJid = [jid, key.remoteJidAlt, key.senderPn].find(isPhoneJid);
  const item: InboundMessage = {
    type: 'message',
    providerMessageId: key.id,
    sender: {
      provider,
      externalId: jid,
      phone: phoneJid === undefined ? undefined : phoneFromJid(phoneJid),
      profileName: pushName ?? undefined,
    },
    sentAt: new Date(timestampSeconds(messageTimestamp) * 1000),
    content: parseContent(message ?? {}, key.id),
  };
  return [item];
}

function parseStatus(payload: Fields): InboundItem[] {
  const parsed = StatusUpdateSchema.safeParse(payload);
  if (!parsed.success) {
    throw new AppError('bad_request', 'not a stored Baileys delivery receipt', {
      details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  const { key, update, receivedAt } = parsed.data;
  const state = deliveryStateOf[update.status];
  if (state === undefined) return [];
  return [
    {
      type: 'status',
      provider,
      providerMessageId: key.id,
      state,
      at: new Date(receivedAt),
      ...(state === 'failed'
        ? { errorCode: 'ERROR', errorTitle: 'WhatsApp reported an error' }
        : {}),
    },
  ];
}

/** The {@link InboundParser} for stored Baileys messages and delivery receipts. */
export const baileysParser: InboundParser = { provider, parse: parseBaileysMessage };
