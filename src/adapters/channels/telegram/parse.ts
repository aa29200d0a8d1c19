/**
 * Turns a stored Telegram Update (exactly what the webhook or the poller stored) into canonical
 * inbound items. Pure. Only private chats with people are read: a debtor's conversation never
 * happens in a group, and bots are not debtors. Telegram reports no delivery statuses, so every
 * item is a message.
 */
import { z } from 'zod';
import { AppError } from '../../../domain/errors.js';
import type { InboundContent, InboundItem, Sender } from '../../../domain/messaging/message.js';
import { normalizePhone } from '../../../domain/phone.js';
import type { InboundParser } from '../../../ports/channel.js';

const UserSchema = z.object({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});

const ChatSchema = z.object({ id: z.number().int(), type: z.string() });

const FileSchema = z.object({
  file_id: z.string().min(1),
  mime_type: z.string().optional(),
  file_name: z.string().optional(),
});

const PhotoSizeSchema = z.object({
  file_id: z.string().min(1),
  width: z.number(),
  height: z.number(),
  file_size: z.number().optional(),
});

const LocationSchema = z.object({ latitude: z.number(), longitude: z.number() });

const InlineKeyboardSchema = z.object({
  inline_keyboard: z
    .array(z.array(z.object({ text: z.string(), callback_data: z.string().optional() })))
    .optional(),
});

const MessageSchema = z.object({
  message_id: z.number().int(),
  from: UserSchema.optional(),
  chat: ChatSchema,
  date: z.number().int(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(PhotoSizeSchema).optional(),
  voice: FileSchema.optional(),
  audio: FileSchema.optional(),
  document: FileSchema.optional(),
  animation: FileSchema.optional(),
  video: FileSchema.optional(),
  video_note: FileSchema.optional(),
  sticker: FileSchema.optional(),
  location: LocationSchema.optional(),
  venue: z.object({ location: LocationSchema, title: z.string() }).optional(),
  contact: z
    .object({
      phone_number: z.string(),
      first_name: z.string(),
      last_name: z.string().optional(),
      user_id: z.number().int().optional(),
    })
    .optional(),
  // Bot API 7.0+ and the older fields: a forwarded contact is somebody else's.
  forward_origin: z.unknown().optional(),
  forward_from: z.unknown().optional(),
  forward_date: z.number().optional(),
});
type TelegramMessage = z.infer<typeof MessageSchema>;

const CallbackQuerySchema = z.object({
  id: z.string(),
  from: UserSchema,
  // An inaccessible message (older than 48 hours) still carries chat and message_id, with date 0.
  message: z
    .object({
      message_id: z.number().int(),
      chat: ChatSchema,
      date: z.number().int(),
      reply_markup: InlineKeyboardSchema.optional(),
    })
    .optional(),
  data: z.string().optional(),
});

/** The part of a Telegram Update this adapter reads; unknown fields are ignored. */
export const TelegramUpdateSchema = z.object({
  update_id: z.number().int().nonnegative(),
  message: z.unknown().optional(),
  callback_query: z.unknown().optional(),
});

/** Message fields that are not content: a message with only these plus an unknown key is unsupported. */
const metadataKeys = new Set([
  'message_id',
  'message_thread_id',
  'from',
  'sender_chat',
  'sender_boost_count',
  'sender_business_bot',
  'business_connection_id',
  'chat',
  'date',
  'edit_date',
  'forward_origin',
  'forward_from',
  'forward_from_chat',
  'forward_from_message_id',
  'forward_signature',
  'forward_sender_name',
  'forward_date',
  'is_topic_message',
  'is_automatic_forward',
  'is_from_offline',
  'reply_to_message',
  'external_reply',
  'quote',
  'reply_to_story',
  'via_bot',
  'has_protected_content',
  'media_group_id',
  'author_signature',
  'entities',
  'caption_entities',
  'link_preview_options',
  'effect_id',
  'show_caption_above_media',
  'has_media_spoiler',
  'reply_markup',
]);

export interface TelegramParserOptions {
  /**
   * ISO 3166 alpha-2 country for shared contacts written without a country code (a phone-book
   * contact that is not a Telegram account). Telegram accounts' numbers are always international.
   */
  readonly defaultCountry?: string | undefined;
}

/** What the stored event adds to the payload: Telegram does not timestamp button presses. */
export interface TelegramParseContext {
  /** When the update was received; used as the time of a callback query. */
  readonly receivedAt?: Date | undefined;
}

function profileNameOf(user: z.infer<typeof UserSchema>): string {
  return user.last_name === undefined ? user.first_name : `${user.first_name} ${user.last_name}`;
}

function isPrivateWithPerson(
  chat: z.infer<typeof ChatSchema>,
  from: z.infer<typeof UserSchema> | undefined,
): from is z.infer<typeof UserSchema> {
  return chat.type === 'private' && from !== undefined && !from.is_bot;
}

function contactPhone(
  raw: string,
  isTelegramAccount: boolean,
  defaultCountry: string | undefined,
): string | undefined {
  const trimmed = raw.trim();
  const hasCountryCode = trimmed.startsWith('+') || trimmed.startsWith('00');
  // Telegram writes account numbers as international digits, some clients without the '+'.
  const candidate = !hasCountryCode && isTelegramAccount ? `+${trimmed}` : trimmed;
  const normalized = normalizePhone(candidate, hasCountryCode ? undefined : defaultCountry);
  return normalized.ok ? normalized.e164 : undefined;
}

function isForwarded(message: TelegramMessage): boolean {
  return (
    message.forward_origin !== undefined ||
    message.forward_from !== undefined ||
    message.forward_date !== undefined
  );
}

function unsupportedTypeOf(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return 'unknown';
  return Object.keys(raw).find((key) => !metadataKeys.has(key)) ?? 'unknown';
}

function contentOf(
  message: TelegramMessage,
  raw: unknown,
  defaultCountry: string | undefined,
): { content: InboundContent; ownPhone?: string | undefined } {
  const caption = message.caption;
  if (message.text !== undefined) return { content: { type: 'text', text: message.text } };
  if (message.contact !== undefined) {
    const contact = message.contact;
    const phone = contactPhone(contact.phone_number, contact.user_id !== undefined, defaultCountry);
    const name =
      contact.last_name === undefined
        ? contact.first_name
        : `${contact.first_name} ${contact.last_name}`;
    // Only the sender's own, unforwarded contact (what a request_contact button sends) proves
    // the sender's number.
    const isOwn =
      contact.user_id !== undefined &&
      contact.user_id === message.from?.id &&
      !isForwarded(message);
    return {
      content: { type: 'contact', name, phones: phone === undefined ? [] : [phone] },
      ownPhone: isOwn ? phone : undefined,
    };
  }
  if (message.photo !== undefined && message.photo.length > 0) {
    const largest = message.photo.reduce((best, size) =>
      (size.file_size ?? size.width * size.height) > (best.file_size ?? best.width * best.height)
        ? size
        : best,
    );
    return { content: { type: 'media', kind: 'image', mediaRef: largest.file_id, caption } };
  }
  const files: readonly [
    z.infer<typeof FileSchema> | undefined,
    'audio' | 'video' | 'document' | 'sticker',
  ][] = [
    [message.voice, 'audio'],
    [message.audio, 'audio'],
    // An animation message also carries `document`; it is a video.
    [message.animation, 'video'],
    [message.video, 'video'],
    [message.video_note, 'video'],
    [message.document, 'document'],
    [message.sticker, 'sticker'],
  ];
  for (const [file, kind] of files) {
    if (file === undefined) continue;
    return {
      content: {
        type: 'media',
        kind,
        mediaRef: file.file_id,
        mimeType: file.mime_type,
        caption,
        fileName: file.file_name,
      },
    };
  }
  if (message.venue !== undefined) {
    const { latitude, longitude } = message.venue.location;
    return { content: { type: 'location', latitude, longitude, name: message.venue.title } };
  }
  if (message.location !== undefined) {
    const { latitude, longitude } = message.location;
    return { content: { type: 'location', latitude, longitude } };
  }
  return { content: { type: 'unsupported', providerType: unsupportedTypeOf(raw) } };
}

function invalid(what: string, error: z.ZodError): AppError {
  return new AppError('bad_request', `not a Telegram ${what}`, {
    details: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}

function parseMessage(
  updateId: number,
  raw: unknown,
  defaultCountry: string | undefined,
): InboundItem[] {
  const parsed = MessageSchema.safeParse(raw);
  if (!parsed.success) throw invalid('message', parsed.error);
  const message = parsed.data;
  if (!isPrivateWithPerson(message.chat, message.from)) return [];
  const { content, ownPhone } = contentOf(message, raw, defaultCountry);
  const sender: Sender = {
    provider: 'telegram',
    externalId: String(message.chat.id),
    profileName: profileNameOf(message.from),
    ...(ownPhone === undefined ? {} : { phone: ownPhone }),
  };
  return [
    {
      type: 'message',
      providerMessageId: String(updateId),
      sender,
      sentAt: new Date(message.date * 1000),
      content,
    },
  ];
}

function parseCallbackQuery(
  updateId: number,
  raw: unknown,
  context: TelegramParseContext,
): InboundItem[] {
  const parsed = CallbackQuerySchema.safeParse(raw);
  if (!parsed.success) throw invalid('callback query', parsed.error);
  const query = parsed.data;
  // Inline-mode buttons (no message) and game buttons (no data) are not ours.
  if (query.message === undefined || query.data === undefined) return [];
  if (!isPrivateWithPerson(query.message.chat, query.from)) return [];
  const data = query.data;
  const label = query.message.reply_markup?.inline_keyboard
    ?.flat()
    .find((button) => button.callback_data === data)?.text;
  const messageDate = query.message.date > 0 ? new Date(query.message.date * 1000) : undefined;
  return [
    {
      type: 'message',
      providerMessageId: String(updateId),
      sender: {
        provider: 'telegram',
        externalId: String(query.message.chat.id),
        profileName: profileNameOf(query.from),
      },
      sentAt: context.receivedAt ?? messageDate ?? new Date(0),
      content: { type: 'choice', optionId: data, label },
    },
  ];
}

/**
 * A parser for stored Telegram Updates. `message` becomes text, a choice (from a
 * `callback_query`, routed by its `data`), a contact (E.164; the sender's phone when they shared
 * their own), media (Telegram file_id as the ref; the largest photo size), a location, or
 * unsupported. Edits, group chats, channel posts, inline queries and every other update kind
 * yield nothing. The item's id is the update_id.
 *
 * A callback query's time is `context.receivedAt` when given, else the date of the message that
 * carried the button (Telegram does not timestamp button presses).
 */
export function createTelegramParser(
  options: TelegramParserOptions = {},
): InboundParser & { parse(payload: unknown, context?: TelegramParseContext): InboundItem[] } {
  return {
    provider: 'telegram',
    parse(payload: unknown, context: TelegramParseContext = {}): InboundItem[] {
      const parsed = TelegramUpdateSchema.safeParse(payload);
      if (!parsed.success) throw invalid('update', parsed.error);
      const update = parsed.data;
      if (update.message !== undefined) {
        return parseMessage(update.update_id, update.message, options.defaultCountry);
      }
      if (update.callback_query !== undefined) {
        return parseCallbackQuery(update.update_id, update.callback_query, context);
      }
      return [];
    },
  };
}

/** The parser with no default country: only international contact numbers are read. */
export const telegramParser = createTelegramParser();

/**
 * The id of a stored update's callback query, which must be answered (answerCallbackQuery)
 * or the debtor's button keeps spinning. Parsing stays pure; the webhook answers it in its
 * HTTP reply and the poller with an API call.
 */
export function callbackQueryIdOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || !('callback_query' in payload)) {
    return undefined;
  }
  const query: unknown = payload.callback_query;
  if (typeof query !== 'object' || query === null || !('id' in query)) return undefined;
  return typeof query.id === 'string' ? query.id : undefined;
}
