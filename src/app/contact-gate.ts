import type {
  ContactDecision,
  ContactPurpose,
  ContactRequest,
  DebtorContactFacts,
} from '../domain/contact-policy/index.js';
import { channelOf } from '../domain/messaging/message.js';
import type { DebtorId } from '../domain/model.js';
import type { ClaimedOutboxRow } from '../ports/outbox.js';
import type { OutreachStore } from '../ports/outreach-store.js';
import { staleDecision } from './outreach.js';

/** The contact policy, bound to its policy files and holiday calendar. */
export type ContactDecider = (
  request: ContactRequest,
  facts: DebtorContactFacts,
) => ContactDecision;

/** The contact policy at send time, over a batch of claimed outbox rows. */
export interface ContactGate {
  /** A decision per row id (rows for no debtor, like the reply to an unknown sender, get none). */
  decide(
    rows: readonly ClaimedOutboxRow[],
    now: Date,
  ): Promise<ReadonlyMap<string, ContactDecision>>;
}

/** What the policy calls the row's reason to exist. */
export function purposeOf(row: ClaimedOutboxRow): ContactPurpose {
  if (row.isOptOutNotice) return 'opt_out_notice';
  if (row.author === 'agent') return 'agent';
  return row.purpose;
}

/**
 * Every outbound message passes the contact policy once more right before it is sent: hours,
 * caps and opt-outs may have changed since it was queued. Rows are decided in order and each one
 * allowed counts in the debtor's history for the next, so one batch cannot overrun a cap.
 */
export function policyGate(deps: {
  readonly store: Pick<OutreachStore, 'contactFacts'>;
  readonly decide: ContactDecider;
}): ContactGate {
  return {
    async decide(rows, now) {
      const decisions = new Map<string, ContactDecision>();
      const forDebtors = rows.filter((r) => r.debtorId !== null);
      if (forDebtors.length === 0) return decisions;
      const facts = await deps.store.contactFacts(
        [...new Set(forDebtors.map((r) => r.debtorId as DebtorId))],
        now,
        forDebtors.map((r) => r.id),
      );
      for (const row of forDebtors) {
        const debtorId = row.debtorId as DebtorId;
        const known = facts.get(debtorId);
        if (known === undefined) continue;
        const channel = channelOf[row.provider];
        const purpose = purposeOf(row);
        const decision = deps.decide(
          { channel, purpose, isTemplate: row.content.type === 'template', at: now },
          known,
        );
        // Deferred past its usefulness (a reminder after its day): denied as stale instead.
        decisions.set(
          row.id,
          decision.type === 'defer' &&
            row.expiresAt !== null &&
            decision.until.getTime() > row.expiresAt.getTime()
            ? staleDecision(decision)
            : decision,
        );
        if (decision.type === 'allow') {
          facts.set(debtorId, {
            ...known,
            history: [...known.history, { at: now, channel, purpose }],
          });
        }
      }
      return decisions;
    },
  };
}
