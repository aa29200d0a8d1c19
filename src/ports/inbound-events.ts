import type { Provider, Sender } from '../domain/messaging/message.js';
import type { AccountId, ConversationId, DebtorId } from '../domain/model.js';

/** A stored raw event, claimed by a worker for processing. */
export interface ClaimedEvent {
  readonly id: string;
  readonly provider: Provider;
  readonly eventId: string;
  readonly payload: unknown;
  readonly attempts: number;
}

/** Where events wait between the webhook's 200 and their turn; and who the senders are. */
export interface InboundEventStore {
  /**
   * Claims up to `limit` pending events, oldest first, and any left `processing` by a crashed
   * worker longer than `staleAfterMs` ago. Claimed events are invisible to other workers.
   */
  claim(limit: number, now: Date, staleAfterMs: number): Promise<ClaimedEvent[]>;
  /** Marks events done. */
  processed(ids: readonly string[], at: Date): Promise<void>;
  /** Gives an event back for a later try, or fails it for good after too many. */
  failed(id: string, error: string, at: Date, isFinal: boolean): Promise<void>;
  /** Deletes processed events older than `before` (kept at least 8 days for de-duplication). */
  purgeProcessed(before: Date): Promise<number>;
}

/** The debtor and account a sender's messages are about. */
export interface SenderMatch {
  readonly debtorId: DebtorId;
  readonly accountId: AccountId;
  /**
   * The debtor's open conversation on the sender's channel and its route ("provider address"),
   * when the directory read it along with the match (so opening it needs no lookup of its own);
   * undefined when it did not look, or found none.
   */
  readonly openConversation?: { readonly id: ConversationId; readonly route: string } | undefined;
}

export interface SenderDirectory {
  /**
   * Finds the debtor behind a provider sender: first by the provider id mapping, then by the
   * E.164 phone among the portfolio's contact points (recording the mapping for next time).
   * The account is the debtor's active account with the largest balance.
   */
  match(sender: Sender, at: Date): Promise<SenderMatch | undefined>;
  /** Records a sender that matched no debtor; true the first time (so it is answered once). */
  recordUnknown(sender: Sender, at: Date): Promise<boolean>;
}
