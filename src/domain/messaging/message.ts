/**
 * One message model behind every channel. Channel adapters translate provider payloads into
 * {@link InboundItem}s and {@link OutboundContent} into provider calls; nothing past the adapter
 * knows a provider's wire format.
 */
import type { Channel } from '../model.js';

export const providers = [
  'whatsapp-cloud',
  'whatsapp-baileys',
  'telegram',
  'twilio-sms',
  'web',
] as const;
/** The integration a message travels through; several providers can serve one channel. */
export type Provider = (typeof providers)[number];

/** The channel each provider serves. */
export const channelOf: Readonly<Record<Provider, Channel>> = {
  'whatsapp-cloud': 'whatsapp',
  'whatsapp-baileys': 'whatsapp',
  telegram: 'telegram',
  'twilio-sms': 'sms',
  web: 'web',
};

/**
 * Who wrote: the provider's own id for the sender (WhatsApp wa_id, a Baileys LID or phone JID,
 * a Telegram chat id, an SMS number) plus the E.164 phone when the provider tells it. Debtors
 * are found through a mapping table, never keyed on a provider id.
 */
export interface Sender {
  readonly provider: Provider;
  readonly externalId: string;
  /** E.164, when the provider reveals it. */
  readonly phone?: string | undefined;
  /** The display name the provider shows; informational only, never used to identify. */
  readonly profileName?: string | undefined;
}

export type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';

/** What a debtor sent. */
export type InboundContent =
  | { readonly type: 'text'; readonly text: string }
  /** A reply button or list row: routed by the option's id, never by its visible label. */
  | { readonly type: 'choice'; readonly optionId: string; readonly label?: string | undefined }
  | {
      readonly type: 'media';
      readonly kind: MediaKind;
      /** The provider's handle to download it (WhatsApp media id, Telegram file_id, Twilio URL). */
      readonly mediaRef: string;
      readonly mimeType?: string | undefined;
      readonly caption?: string | undefined;
      readonly fileName?: string | undefined;
    }
  | {
      readonly type: 'location';
      readonly latitude: number;
      readonly longitude: number;
      readonly name?: string | undefined;
    }
  | {
      readonly type: 'contact';
      readonly name?: string | undefined;
      readonly phones: readonly string[];
    }
  /** Reactions, polls, stickers-as-system, anything the bot cannot read. */
  | { readonly type: 'unsupported'; readonly providerType: string };

export interface InboundMessage {
  readonly type: 'message';
  /** The provider's message id (wamid, Telegram update_id, MessageSid): the de-duplication key. */
  readonly providerMessageId: string;
  readonly sender: Sender;
  /** When the debtor sent it (the provider's timestamp), UTC. */
  readonly sentAt: Date;
  readonly content: InboundContent;
}

export const deliveryStates = ['sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/** A provider's report about a message we sent. */
export interface DeliveryStatus {
  readonly type: 'status';
  readonly provider: Provider;
  /** The id the provider gave our message when it accepted it. */
  readonly providerMessageId: string;
  readonly state: DeliveryState;
  readonly at: Date;
  /** Our outbox row id when the provider echoes it back (WhatsApp biz_opaque_callback_data). */
  readonly outboxId?: string | undefined;
  readonly errorCode?: string | undefined;
  readonly errorTitle?: string | undefined;
}

/** What one stored provider event contains once parsed. */
export type InboundItem = InboundMessage | DeliveryStatus;

export interface ChoiceOption {
  /** Stable id the engine routes on. */
  readonly id: string;
  readonly label: string;
}

/** What the bot or an agent sends, before a channel renders it. */
export type OutboundContent =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'choices'; readonly text: string; readonly options: readonly ChoiceOption[] }
  /** A pre-approved template (WhatsApp outside the 24-hour window), with positional variables. */
  | {
      readonly type: 'template';
      readonly name: string;
      readonly language: string;
      readonly variables: readonly string[];
    }
  | {
      readonly type: 'document';
      readonly url: string;
      readonly fileName: string;
      readonly caption?: string | undefined;
    };

/** Text a person can read for any inbound content, for the transcript and the engine. */
export function inboundText(content: InboundContent): string {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'choice':
      return content.label ?? content.optionId;
    case 'media':
      return content.caption ?? '';
    case 'location':
      return content.name ?? '';
    case 'contact':
      return content.name ?? '';
    case 'unsupported':
      return '';
  }
}
