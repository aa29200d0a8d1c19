import type pg from 'pg';
import type { DeliveryStatus, OutboundContent, Provider } from '../../domain/messaging/message.js';
import type { ContactPurpose } from '../../domain/contact-policy/index.js';
import type {
  ClaimedOutboxRow,
  LooseOutboxMessage,
  OutboxStore,
  PolicyDecisionRecord,
} from '../../ports/outbox.js';

interface ClaimedRow {
  id: string;
  provider: Provider;
  recipient: string;
  author: 'bot' | 'agent' | 'system';
  debtor_id: string | null;
  purpose: ContactPurpose;
  expires_at: Date | null;
  content: OutboundContent;
  locale: string;
  attempts: number;
  is_opt_out_notice: boolean;
  owner: 'bot' | 'agent' | null;
  is_opted_out: boolean;
  last_inbound_at: Date | null;
}

/** Delivery states only move forward: a late "delivered" never overwrites "read". */
const statusRank = `CASE status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END`;

/**
 * The outbox in PostgreSQL. Claiming is one UPDATE ... FOR UPDATE SKIP LOCKED, so several
 * dispatchers never take the same row; `sending` is committed before the provider is called,
 * so a crash mid-send leaves evidence instead of a silent resend.
 */
export class PostgresOutbox implements OutboxStore {
  constructor(private readonly pool: pg.Pool) {}

  async enqueue(message: LooseOutboxMessage): Promise<void> {
    await this.pool.query(
      `INSERT INTO outbox (provider, recipient, author, content, locale, next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, 'system', $3, $4, $5, $5, $5)`,
      [
        message.provider,
        message.recipient,
        JSON.stringify(message.content),
        message.locale,
        message.at,
      ],
    );
  }

  async claimDue(limit: number, now: Date): Promise<ClaimedOutboxRow[]> {
    const { rows } = await this.pool.query<ClaimedRow>(
      `WITH claimed AS (
         UPDATE outbox o SET status = 'sending', claimed_at = $1, updated_at = $1
          WHERE o.id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1
                          ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING o.*)
       SELECT c.id::text AS id, c.provider, c.recipient, c.author, c.debtor_id, c.purpose, c.expires_at, c.content, c.locale, c.attempts, c.is_opt_out_notice,
              conv.owner, conv.last_inbound_at,
              EXISTS (SELECT 1 FROM opt_outs oo
                       WHERE oo.debtor_id = c.debtor_id
                         AND oo.channel IN ('all', CASE c.provider WHEN 'telegram' THEN 'telegram' WHEN 'twilio-sms' THEN 'sms'
                                                                   WHEN 'web' THEN 'web' ELSE 'whatsapp' END)) AS is_opted_out
         FROM claimed c LEFT JOIN conversations conv ON conv.id = c.conversation_id
        ORDER BY c.next_attempt_at, c.id`,
      [now, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      provider: r.provider,
      recipient: r.recipient,
      author: r.author,
      debtorId: r.debtor_id,
      purpose: r.purpose,
      expiresAt: r.expires_at,
      content: r.content,
      locale: r.locale,
      attempts: r.attempts,
      isOptOutNotice: r.is_opt_out_notice,
      conversationOwner: r.owner,
      isOptedOut: r.is_opted_out,
      lastInboundAt: r.last_inbound_at,
    }));
  }

  async markSent(
    sent: readonly { id: string; providerMessageId: string }[],
    at: Date,
  ): Promise<void> {
    if (sent.length === 0) return;
    await this.pool.query(
      `UPDATE outbox o SET status = 'sent', provider_message_id = s.pmid, sent_at = $3, updated_at = $3,
              attempts = o.attempts + 1, last_error = NULL
         FROM unnest($1::bigint[], $2::text[]) AS s(id, pmid)
        WHERE o.id = s.id AND o.status = 'sending'`,
      [sent.map((s) => s.id), sent.map((s) => s.providerMessageId), at],
    );
  }

  async reschedule(
    id: string,
    nextAttemptAt: Date,
    reason: string | null,
    isAttempt: boolean,
  ): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET status = 'pending', next_attempt_at = $2, last_error = COALESCE($3, last_error),
              attempts = attempts + CASE WHEN $4 THEN 1 ELSE 0 END, updated_at = now()
        WHERE id = $1 AND status = 'sending'`,
      [id, nextAttemptAt, reason, isAttempt],
    );
  }

  async markFailed(id: string, reason: string, at: Date): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET status = 'failed', last_error = $2, updated_at = $3, attempts = attempts + 1 WHERE id = $1 AND status = 'sending'`,
      [id, reason, at],
    );
  }

  async applyDecision(
    id: string,
    decision: PolicyDecisionRecord,
    until: Date | undefined,
  ): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET status = CASE WHEN $3::timestamptz IS NULL THEN 'denied' ELSE 'pending' END,
              next_attempt_at = COALESCE($3, next_attempt_at),
              last_error = CASE WHEN $3::timestamptz IS NULL THEN $4 ELSE last_error END,
              policy_decisions = policy_decisions || jsonb_build_array($2::jsonb), updated_at = now()
        WHERE id = $1 AND status = 'sending'`,
      [
        id,
        JSON.stringify(decision),
        until ?? null,
        `${decision.rule ?? 'policy'}: ${decision.reason ?? 'denied'}`,
      ],
    );
  }

  async markUnknown(id: string, reason: string, at: Date): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET status = 'unknown', last_error = $2, updated_at = $3, attempts = attempts + 1 WHERE id = $1 AND status = 'sending'`,
      [id, reason, at],
    );
  }

  async cancel(id: string, reason: string, at: Date): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET status = 'cancelled', last_error = $2, updated_at = $3 WHERE id = $1 AND status IN ('sending', 'pending')`,
      [id, reason, at],
    );
  }

  async markStaleUnknown(claimedBefore: Date, at: Date): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE outbox SET status = 'unknown', last_error = 'interrupted while sending', updated_at = $2
        WHERE status = 'sending' AND claimed_at < $1`,
      [claimedBefore, at],
    );
    return rowCount ?? 0;
  }

  async requeueUnconfirmed(
    before: Date,
    providers: readonly Provider[],
    at: Date,
  ): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE outbox
          SET status = 'pending', next_attempt_at = $3, updated_at = $3,
              last_error = 'no delivery report after an interrupted send: sending again'
        WHERE status = 'unknown' AND updated_at < $1 AND provider = ANY($2::text[]) AND provider_message_id IS NULL`,
      [before, providers, at],
    );
    return rowCount ?? 0;
  }

  async applyStatus(status: DeliveryStatus, at: Date): Promise<boolean> {
    // An echoed outbox id reconciles a row a crash left 'unknown' (the provider did accept it).
    const byId =
      status.outboxId !== undefined && /^\d+$/.test(status.outboxId) ? status.outboxId : null;
    const { rowCount } = await this.pool.query(
      `UPDATE outbox
          SET status = CASE WHEN $3 = 'failed' THEN 'failed'
                            WHEN ${statusRank} >= CASE $3 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 ELSE 3 END
                                 AND status IN ('sent', 'delivered', 'read') THEN status
                            ELSE $3 END,
              provider_message_id = COALESCE(provider_message_id, $2),
              sent_at = COALESCE(sent_at, $5),
              last_error = CASE WHEN $3 = 'failed' THEN $4 ELSE last_error END,
              updated_at = $6
        WHERE provider = $1
          AND (provider_message_id = $2 OR (provider_message_id IS NULL AND id = $7::bigint))`,
      [
        status.provider,
        status.providerMessageId,
        status.state,
        [status.errorCode, status.errorTitle].filter((s) => s !== undefined).join(' ') || 'failed',
        status.at,
        at,
        byId,
      ],
    );
    return (rowCount ?? 0) > 0;
  }
}
