import type { OutboundContent, Provider } from '../domain/messaging/message.js';
import type { DeliveryStatus } from '../domain/messaging/message.js';
import type { ContactDecisionRecord, ContactPurpose } from '../domain/contact-policy/index.js';

/** A contact-policy decision as kept on the row: when it was asked and what it said. */
export type PolicyDecisionRecord = ContactDecisionRecord;

/** An outbox row claimed for sending, with what the dispatcher must check first. */
export interface ClaimedOutboxRow {
  readonly id: string;
  readonly provider: Provider;
  readonly recipient: string;
  readonly author: 'bot' | 'agent' | 'system';
  /** The debtor it is for; null only for the one reply to an unknown sender. */
  readonly debtorId: string | null;
  /** Why it exists: a reply, or a message cuota sends first (reminder, campaign...). */
  readonly purpose: ContactPurpose;
  /** Past this instant the message no longer makes sense (a reminder after its day). */
  readonly expiresAt: Date | null;
  readonly content: OutboundContent;
  readonly locale: string;
  readonly attempts: number;
  readonly isOptOutNotice: boolean;
  /** The conversation's owner now: a bot message is cancelled once an agent owns it. */
  readonly conversationOwner: 'bot' | 'agent' | null;
  /** The debtor opted out of this row's channel (or of all channels). */
  readonly isOptedOut: boolean;
  /** The debtor's last inbound message on the conversation (WhatsApp's 24-hour window). */
  readonly lastInboundAt: Date | null;
}

/** A message outside any conversation (the one reply to an unknown sender). */
export interface LooseOutboxMessage {
  readonly provider: Provider;
  readonly recipient: string;
  readonly content: OutboundContent;
  readonly locale: string;
  readonly at: Date;
}

export interface OutboxStore {
  /** Queues a message that belongs to no conversation. */
  enqueue(message: LooseOutboxMessage): Promise<void>;
  /** Moves up to `limit` due pending rows to `sending` and returns them. */
  claimDue(limit: number, now: Date): Promise<ClaimedOutboxRow[]>;
  /** Marks rows accepted by their provider, in one statement. */
  markSent(
    sent: readonly { readonly id: string; readonly providerMessageId: string }[],
    at: Date,
  ): Promise<void>;
  /** Back to pending at `nextAttemptAt`; `isAttempt` false when only pacing delayed it. */
  reschedule(
    id: string,
    nextAttemptAt: Date,
    reason: string | null,
    isAttempt: boolean,
  ): Promise<void>;
  markFailed(id: string, reason: string, at: Date): Promise<void>;
  /**
   * Records the contact policy's verdict at send time: `defer` puts the row back to pending at
   * `until` (no attempt counted), `deny` ends it as `denied` with the reason.
   */
  applyDecision(id: string, decision: PolicyDecisionRecord, until: Date | undefined): Promise<void>;
  /** The provider may or may not have the message: never resent blindly, reconciled by status. */
  markUnknown(id: string, reason: string, at: Date): Promise<void>;
  cancel(id: string, reason: string, at: Date): Promise<void>;
  /** Rows left `sending` by a crash are marked `unknown`: never resent blindly. */
  markStaleUnknown(claimedBefore: Date, at: Date): Promise<number>;
  /**
   * Puts `unknown` rows of providers that report every accepted message (WhatsApp, Twilio) back
   * to pending when no report came for them since `before`: the provider never got them.
   */
  requeueUnconfirmed(before: Date, providers: readonly Provider[], at: Date): Promise<number>;
  /** Applies a provider's delivery report to the row it names; false when no row matches. */
  applyStatus(status: DeliveryStatus, at: Date): Promise<boolean>;
}
