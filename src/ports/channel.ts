import type { InboundItem, OutboundContent, Provider } from '../domain/messaging/message.js';

/** One outbox row as a sender sees it. */
export interface OutboundEnvelope {
  /** Our outbox row id; passed to providers that echo it back (WhatsApp biz_opaque_callback_data). */
  readonly outboxId: string;
  readonly provider: Provider;
  /**
   * The provider's address for the debtor: WhatsApp Cloud wa_id digits, a Baileys JID, a
   * Telegram chat id, an E.164 number for SMS.
   */
  readonly recipient: string;
  readonly content: OutboundContent;
  /** BCP 47 locale of the conversation, for channel chrome ("Responde 1, 2 o 3"). */
  readonly locale: string;
}

/**
 * What a provider said about one send. `retry` for 429, 5xx and connections that never reached
 * the provider;
 * `failed` for permanent errors (bad number, blocked, policy), never retried.
 */
export type SendResult =
  | { readonly type: 'sent'; readonly providerMessageId: string }
  /**
   * The request may have reached the provider but no answer came back (a timeout, a reset
   * connection): sending again could deliver it twice, so the row is marked `unknown` and
   * reconciled from the provider's status callbacks instead.
   */
  | { readonly type: 'uncertain'; readonly reason: string }
  | { readonly type: 'retry'; readonly reason: string; readonly retryAfterMs?: number | undefined }
  | { readonly type: 'failed'; readonly reason: string; readonly code?: string | undefined };

/** Sends rendered messages through one provider. Implementations never throw for provider errors. */
export interface ChannelSender {
  readonly provider: Provider;
  send(envelope: OutboundEnvelope): Promise<SendResult>;
}

/**
 * Turns one stored raw provider event (exactly the payload its webhook stored, or what a socket
 * emitted) into canonical items. Pure; throws only on a payload that is not the provider's shape.
 */
export interface InboundParser {
  readonly provider: Provider;
  parse(payload: unknown): InboundItem[];
}

/** A raw provider event to store before acknowledging it. */
export interface RawInboundEvent {
  readonly provider: Provider;
  /**
   * The provider's id for the delivery (Telegram update_id, Twilio MessageSid + status, a hash
   * of a WhatsApp webhook body): a redelivery has the same id and is stored once.
   */
  readonly eventId: string;
  readonly payload: unknown;
  readonly receivedAt: Date;
}

/** Durable intake: webhooks and sockets store events here and acknowledge; a worker processes them. */
export interface Inbox {
  /** Stores events not seen before; returns how many were new. Must be durable when it resolves. */
  store(
    events: readonly RawInboundEvent[],
  ): Promise<{ readonly stored: number; readonly duplicates: number }>;
}
