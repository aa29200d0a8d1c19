/**
 * Parses a stored WhatsApp Cloud API webhook body into canonical inbound items: every
 * `entry[].changes[].value` may carry `messages[]` (what debtors wrote) and `statuses[]` (what
 * happened to what we sent). Only the fields read here are validated; unknown fields and
 * unknown message types are tolerated, so a new WhatsApp feature never blocks the inbox.
 */
import { z } from 'zod';
import {
  deliveryStates,
  type DeliveryState,
  type DeliveryStatus,
  type InboundContent,
  type InboundItem,
  type InboundMessage,
  type MediaKind,
} from '../../../domain/messaging/message.js';
import type { InboundParser } from '../../../ports/channel.js';

const unixSeconds = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]);

const ContactSchema = z.object({
  wa_id: z.string().optional(),
  profile: z.object({ name: z.string().optional() }).optional(),
});

const MessageBaseSchema = z.object({
  from: z.string().min(1),
  id: z.string().min(1),
  timestamp: unixSeconds,
  type: z.string().min(1),
});

const MediaSchema = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});

const TextSchema = z.object({ text: z.object({ body: z.string() }) });
const InteractiveSchema = z.object({
  interactive: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('button_reply'),
      button_reply: z.object({ id: z.string().min(1), title: z.string().optional() }),
    }),
    z.object({
      type: z.literal('list_reply'),
      list_reply: z.object({ id: z.string().min(1), title: z.string().optional() }),
    }),
  ]),
});
const ButtonSchema = z.object({
  button: z.object({ payload: z.string().min(1), text: z.string().optional() }),
});
const LocationSchema = z.object({
  location: z.object({
    latitude: z.coerce.number(),
    longitude: z.coerce.number(),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
});
const ContactsSchema = z.object({
  contacts: z
    .array(
      z.object({
        name: z.object({ formatted_name: z.string().optional() }).optional(),
        phones: z
          .array(z.object({ phone: z.string().optional(), wa_id: z.string().optional() }))
          .optional(),
      }),
    )
    .min(1),
});

const StatusSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: unixSeconds,
  biz_opaque_callback_data: z.string().optional(),
  errors: z
    .array(
      z.object({
        code: z.union([z.number(), z.string()]).optional(),
        title: z.string().optional(),
      }),
    )
    .optional(),
});

const ValueSchema = z.object({
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

/** The envelope every WhatsApp Business Account webhook shares. */
export const WhatsAppWebhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      changes: z.array(z.object({ field: z.string().optional(), value: z.unknown() })).default([]),
    }),
  ),
});

const mediaKinds = [
  'image',
  'audio',
  'video',
  'document',
  'sticker',
] as const satisfies readonly MediaKind[];
const deliveryStateOf: ReadonlyMap<string, DeliveryState> = new Map(
  deliveryStates.map((state) => [state, state]),
);

/**
 * The WhatsApp Cloud {@link InboundParser}. Throws only when the payload is not a WhatsApp
 * Business Account webhook at all; a single odd message becomes `unsupported`, a status in a
 * state cuota does not track (such as `deleted`) is skipped.
 */
export const whatsAppCloudParser: InboundParser = {
  provider: 'whatsapp-cloud',
  parse(payload: unknown): InboundItem[] {
    const webhook = WhatsAppWebhookSchema.parse(payload);
    const items: InboundItem[] = [];
    for (const entry of webhook.entry) {
      for (const change of entry.changes) {
        const value = ValueSchema.safeParse(change.value);
        if (!value.success) continue;
        const contacts = (value.data.contacts ?? []).flatMap((c) => {
          const parsed = ContactSchema.safeParse(c);
          return parsed.success ? [parsed.data] : [];
        });
        for (const raw of value.data.messages ?? []) {
          const message = parseMessage(raw, contacts);
          if (message !== undefined) items.push(message);
        }
        for (const raw of value.data.statuses ?? []) {
          const status = parseStatus(raw);
          if (status !== undefined) items.push(status);
        }
      }
    }
    return items;
  },
};

function parseMessage(
  raw: unknown,
  contacts: readonly z.infer<typeof ContactSchema>[],
): InboundMessage | undefined {
  const base = MessageBaseSchema.safeParse(raw);
  if (!base.success) return undefined;
  const { from, id, timestamp, type } = base.data;
  const contact =
    contacts.find((c) => c.wa_id === from) ?? (contacts.length === 1 ? contacts[0] : undefined);
  return {
    type: 'message',
    providerMessageId: id,
    sender: {
      provider: 'whatsapp-cloud',
      externalId: from,
      // wa_id is the phone number's digits today; anything else is not a phone.
      phone: /^\d{6,15}$/.test(from) ? `+${from}` : undefined,
      profileName: contact?.profile?.name,
    },
    sentAt: new Date(Number(timestamp) * 1000),
    content: parseContent(type, raw),
  };
}

function parseContent(type: string, raw: unknown): InboundContent {
  const unsupported: InboundContent = { type: 'unsupported', providerType: type };
  switch (type) {
    case 'text': {
      const parsed = TextSchema.safeParse(raw);
      return parsed.success ? { type: 'text', text: parsed.data.text.body } : unsupported;
    }
    case 'interactive': {
      const parsed = InteractiveSchema.safeParse(raw);
      if (!parsed.success) return unsupported;
      const reply =
        parsed.data.interactive.type === 'button_reply'
          ? parsed.data.interactive.button_reply
          : parsed.data.interactive.list_reply;
      return { type: 'choice', optionId: reply.id, label: reply.title };
    }
    case 'button': {
      const parsed = ButtonSchema.safeParse(raw);
      return parsed.success
        ? { type: 'choice', optionId: parsed.data.button.payload, label: parsed.data.button.text }
        : unsupported;
    }
    case 'location': {
      const parsed = LocationSchema.safeParse(raw);
      if (!parsed.success) return unsupported;
      const { latitude, longitude, name, address } = parsed.data.location;
      return { type: 'location', latitude, longitude, name: name ?? address };
    }
    case 'contacts': {
      const parsed = ContactsSchema.safeParse(raw);
      if (!parsed.success) return unsupported;
      const [first] = parsed.data.contacts;
      return {
        type: 'contact',
        name: first?.name?.formatted_name,
        phones: (first?.phones ?? []).flatMap((p) => (p.phone === undefined ? [] : [p.phone])),
      };
    }
    default: {
      const kind = mediaKinds.find((k) => k === type);
      if (kind === undefined) return unsupported;
      const parsed = z.object({ [kind]: MediaSchema }).safeParse(raw);
      const media = parsed.success ? (parsed.data[kind] as z.infer<typeof MediaSchema>) : undefined;
      if (media === undefined) return unsupported;
      return {
        type: 'media',
        kind,
        mediaRef: media.id,
        mimeType: media.mime_type,
        caption: media.caption,
        fileName: media.filename,
      };
    }
  }
}

function parseStatus(raw: unknown): DeliveryStatus | undefined {
  const parsed = StatusSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const s = parsed.data;
  const state = deliveryStateOf.get(s.status);
  if (state === undefined) return undefined;
  const error = s.errors?.[0];
  return {
    type: 'status',
    provider: 'whatsapp-cloud',
    providerMessageId: s.id,
    state,
    at: new Date(Number(s.timestamp) * 1000),
    outboxId: s.biz_opaque_callback_data,
    errorCode: error?.code === undefined ? undefined : String(error.code),
    errorTitle: error?.title,
  };
}
