import type pg from 'pg';
import type { LocalDate } from '../../domain/dates.js';
import type { ConversationState, EngineAction } from '../../domain/engine/index.js';
import { assertNever } from '../../domain/errors.js';
import type { AccountId, Channel, ConversationId, DebtorId } from '../../domain/model.js';
import type { Provider } from '../../domain/messaging/message.js';
import type { CurrencyCode, Minor } from '../../domain/money.js';
import { chainHash, type TranscriptEntry } from '../../domain/transcript.js';
import type {
  CompletedTurn,
  ConversationSnapshot,
  ConversationStore,
  ConversationTransaction,
  NewTranscriptMessage,
} from '../../ports/conversation-store.js';

type TranscriptRow = TranscriptEntry & { readonly prevHash: string | null; readonly hash: string };
import { withTransaction } from './database.js';

interface SnapshotRow {
  id: string;
  channel: Channel;
  owner: 'bot' | 'agent';
  status: 'open' | 'closed';
  state: ConversationState;
  turn_count: number;
  provider: Provider | null;
  address: string | null;
  last_seq: number;
  last_hash: string | null;
  debtor_id: string;
  debtor_ref: string;
  name: string;
  document_id: string | null;
  time_zone: string;
  locale: string;
  debtor_segment: string | null;
  account_id: string;
  account_ref: string;
  currency: string;
  balance_minor: number;
  due_date: string;
  product: string | null;
  min_payment_minor: number | null;
  account_segment: string | null;
  next_amount: number | null;
  next_due: string | null;
  /** The chain head as of the statement's snapshot, before any wait for the lock. */
  seen_seq: number;
  is_processed: boolean;
}

const snapshotSql = /* sql */ `
SELECT c.id, c.channel, c.owner, c.status, c.state, c.turn_count, c.provider, c.address, c.last_seq, c.last_hash,
       d.id AS debtor_id, d.debtor_ref, d.name, d.document_id, d.time_zone, COALESCE(c.locale, d.locale) AS locale, d.segment AS debtor_segment,
       a.id AS account_id, a.account_ref, a.currency, a.balance_minor, a.due_date, a.product,
       a.min_payment_minor, a.segment AS account_segment,
       ni.amount_minor AS next_amount, ni.due_date AS next_due,
       (SELECT s.last_seq FROM conversations s WHERE s.id = c.id) AS seen_seq,
       ($2::text IS NOT NULL AND EXISTS (
          SELECT 1 FROM messages m
           WHERE m.conversation_id = c.id AND m.direction = 'in' AND m.provider_message_id = $2)) AS is_processed
  FROM conversations c
  JOIN debtors d ON d.id = c.debtor_id
  JOIN accounts a ON a.id = c.account_id
  LEFT JOIN LATERAL (
        SELECT i.amount_minor - i.paid_minor AS amount_minor, i.due_date
          FROM plans p JOIN installments i ON i.plan_id = p.id
         WHERE p.account_id = a.id AND p.status = 'active' AND i.paid_minor < i.amount_minor
         ORDER BY i.due_date, i.seq
         LIMIT 1) ni ON true
 WHERE c.id = $1
   FOR UPDATE OF c`;

/**
 * What every turn writes, in one statement: transcript rows, audit rows, the replies' outbox
 * rows (in the turn's transaction, in order) and the conversation's state and chain head.
 */
const completeSql = /* sql */ `
WITH appended AS (
  INSERT INTO messages (conversation_id, seq, direction, author, body, payload, provider_message_id,
                        flow_id, flow_version, prompt_id, prompt_version, created_at, prev_hash, hash)
  SELECT $1, m.seq, m.direction, m.author, m.body, m.payload, m.provider_message_id,
         m.flow_id, m.flow_version, m.prompt_id, m.prompt_version, $2, m.prev_hash, m.hash
    FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[],
                $9::text[], $10::int[], $11::text[], $12::int[], $13::text[], $14::text[])
         AS m(seq, direction, author, body, payload, provider_message_id,
              flow_id, flow_version, prompt_id, prompt_version, prev_hash, hash)
), audited AS (
  INSERT INTO audit_log (at, actor, action, entity_type, entity_id, data)
  SELECT $2, 'bot', a.action, 'conversation', $1::text, a.data || jsonb_build_object('accountId', $15::text)
    FROM unnest($16::text[], $17::jsonb[]) AS a(action, data)
), queued AS (
  INSERT INTO outbox (conversation_id, debtor_id, provider, recipient, author, content, locale, is_opt_out_notice,
                      next_attempt_at, created_at, updated_at)
  SELECT $1, $26, $27, $28, o.author, o.content, o.locale, o.notice, $2, $2, $2
    FROM unnest($29::text[], $30::jsonb[], $31::text[], $32::boolean[]) WITH ORDINALITY AS o(author, content, locale, notice, n)
   ORDER BY o.n
)
UPDATE conversations
   SET state = $18, owner = $19, status = $20, turn_count = turn_count + 1, last_seq = $21,
       last_hash = $22, flow_id = $23, flow_version = $24, updated_at = $2,
       last_inbound_at = GREATEST(last_inbound_at, $25)
 WHERE id = $1`;

const findOpenSql = /* sql */ `
SELECT id, concat_ws(' ', provider, address) AS route
  FROM conversations WHERE debtor_id = $1 AND channel = $2 AND status = 'open'`;

/**
 * Whether the snapshot's `is_processed` can be trusted. It is read under the statement's
 * snapshot, but a statement that waited for the lock gets the conversation row as the turn
 * holding it left it: when that turn committed meanwhile (the chain head moved past what the
 * snapshot saw), its inbound message is invisible to the snapshot and must be asked for anew.
 */
function isProcessedAnswer(row: SnapshotRow): boolean | undefined {
  return row.seen_seq === row.last_seq ? row.is_processed : undefined;
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toSnapshot(row: SnapshotRow): ConversationSnapshot {
  return {
    id: row.id as ConversationId,
    channel: row.channel,
    owner: row.owner,
    status: row.status,
    state: row.state,
    turnCount: row.turn_count,
    route:
      row.provider !== null && row.address !== null
        ? { provider: row.provider, address: row.address }
        : undefined,
    debtor: {
      id: row.debtor_id as DebtorId,
      ref: row.debtor_ref,
      name: row.name,
      documentId: row.document_id ?? undefined,
      timeZone: row.time_zone,
      locale: row.locale,
      segment: row.debtor_segment ?? undefined,
    },
    account: {
      id: row.account_id as AccountId,
      ref: row.account_ref,
      currency: row.currency as CurrencyCode,
      balance: row.balance_minor as Minor,
      dueDate: row.due_date as LocalDate,
      product: row.product ?? undefined,
      minPayment: (row.min_payment_minor ?? undefined) as Minor | undefined,
      segment: row.account_segment ?? undefined,
      nextInstallment:
        row.next_amount !== null && row.next_due !== null
          ? { amount: row.next_amount as Minor, dueDate: row.next_due as LocalDate }
          : undefined,
    },
  };
}

class PostgresConversationTransaction implements ConversationTransaction {
  private lastSeq: number;
  private lastHash: string | null;

  constructor(
    private readonly client: pg.PoolClient,
    readonly conversation: ConversationSnapshot,
    head: { lastSeq: number; lastHash: string | null },
    /** The answer for the provider message id the caller named, read with the snapshot. */
    private readonly asked?: { readonly providerMessageId: string; readonly isProcessed: boolean },
  ) {
    this.lastSeq = head.lastSeq;
    this.lastHash = head.lastHash;
  }

  async hasProcessed(providerMessageId: string): Promise<boolean> {
    if (this.asked?.providerMessageId === providerMessageId) return this.asked.isProcessed;
    const { rowCount } = await this.client.query(
      `SELECT 1 FROM messages WHERE conversation_id = $1 AND direction = 'in' AND provider_message_id = $2`,
      [this.conversation.id, providerMessageId],
    );
    return (rowCount ?? 0) > 0;
  }

  async answerSurvey(score: number, at: Date): Promise<boolean> {
    const { rowCount } = await this.client.query(
      `UPDATE satisfaction_surveys SET score = $3, answered_at = $4
        WHERE id = (SELECT id FROM satisfaction_surveys
                     WHERE debtor_id = $2 AND answered_at IS NULL AND asked_at > $4::timestamptz - interval '3 days'
                     ORDER BY asked_at DESC LIMIT 1)
          AND EXISTS (SELECT 1 FROM messages
                       WHERE conversation_id = $1 AND seq = $5 AND payload->>'purpose' = 'survey')`,
      [this.conversation.id, this.conversation.debtor.id, score, at, this.lastSeq],
    );
    return rowCount === 1;
  }

  /**
   * One statement for what every turn writes (transcript rows, audit rows, the conversation's
   * state and chain head), plus one per domain record the turn's actions stand for.
   */
  async complete(turn: CompletedTurn): Promise<void> {
    const { actions, at, state } = turn;
    await this.writeRecords(actions, at);
    if (turn.contactPreference !== undefined) {
      // A new wish refines the old one: only what it states replaces what was kept.
      const { earliest, latest, days } = turn.contactPreference;
      await this.client.query(
        `INSERT INTO contact_preferences (debtor_id, earliest, latest, days, source, updated_at)
         VALUES ($1, $2, $3, $4, 'debtor', $5)
         ON CONFLICT (debtor_id) DO UPDATE SET
           earliest = COALESCE(excluded.earliest, contact_preferences.earliest),
           latest = COALESCE(excluded.latest, contact_preferences.latest),
           days = COALESCE(excluded.days, contact_preferences.days),
           source = excluded.source, updated_at = excluded.updated_at`,
        [this.conversation.debtor.id, earliest ?? null, latest ?? null, days ?? null, at],
      );
    }
    if (turn.claimAttachment !== undefined) {
      await this.client.query(
        `UPDATE payment_claims SET attachments = attachments || $2::jsonb
          WHERE id = (SELECT id FROM payment_claims WHERE account_id = $1 AND status = 'open' ORDER BY created_at DESC LIMIT 1)`,
        [
          this.conversation.account.id,
          JSON.stringify([{ ...turn.claimAttachment, at: at.toISOString() }]),
        ],
      );
    }
    const rows = this.chain(turn.messages, at);
    const column = <T>(pick: (row: TranscriptRow) => T): T[] => rows.map(pick);
    const { id: conversationId, account, debtor, route } = this.conversation;
    // Replies go out through the conversation's route; web chat has none and reads the transcript.
    const outbox = route === undefined ? [] : (turn.outbox ?? []);
    await this.client.query(completeSql, [
      conversationId,
      at,
      column((r) => r.seq),
      column((r) => r.direction),
      column((r) => r.author),
      column((r) => r.body),
      column((r) => JSON.stringify(r.payload ?? {})),
      column((r) => r.providerMessageId),
      column((r) => r.flowId),
      column((r) => r.flowVersion),
      column((r) => r.promptId),
      column((r) => r.promptVersion),
      column((r) => r.prevHash),
      column((r) => r.hash),
      account.id,
      actions.map((a) => a.type),
      actions.map((a) => JSON.stringify(a)),
      JSON.stringify(state),
      state.owner,
      state.isWrongNumber ? 'closed' : 'open',
      this.lastSeq,
      this.lastHash,
      state.flowId,
      state.flowVersion,
      turn.inboundAt ?? null,
      debtor.id,
      route?.provider ?? null,
      route?.address ?? null,
      outbox.map((m) => m.author),
      outbox.map((m) => JSON.stringify(m.content)),
      outbox.map((m) => m.locale),
      outbox.map((m) => m.isOptOutNotice),
    ]);
  }

  /** Numbers and hash-chains new transcript rows after the conversation's current head. */
  private chain(messages: readonly NewTranscriptMessage[], at: Date): TranscriptRow[] {
    return messages.map((message) => {
      const entry: TranscriptEntry = {
        ...message,
        conversationId: this.conversation.id,
        seq: this.lastSeq + 1,
        createdAt: at,
      };
      const row = { ...entry, prevHash: this.lastHash, hash: chainHash(this.lastHash, entry) };
      this.lastSeq = row.seq;
      this.lastHash = row.hash;
      return row;
    });
  }

  private async writeRecords(actions: readonly EngineAction[], at: Date): Promise<void> {
    const { id: conversationId, account, debtor, channel } = this.conversation;
    for (const action of actions) {
      switch (action.type) {
        case 'identity_verified':
        case 'identity_failed':
        case 'balance_disclosed':
        case 'payment_details_sent':
        case 'plan_offered':
          break;
        case 'promise_recorded':
          await this.client.query(
            `UPDATE promises SET status = 'cancelled', resolved_at = $2 WHERE account_id = $1 AND status = 'pending'`,
            [account.id, at],
          );
          await this.client.query(
            `INSERT INTO promises (account_id, conversation_id, amount_minor, currency, due_date, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
            [account.id, conversationId, action.amount, action.currency, action.dueDate, at],
          );
          break;
        case 'plan_created': {
          await this.client.query(
            `UPDATE plans SET status = 'cancelled' WHERE account_id = $1 AND status = 'active'`,
            [account.id],
          );
          const plan = await this.client.query<{ id: string }>(
            `INSERT INTO plans (account_id, conversation_id, total_minor, currency, installment_count, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
            [
              account.id,
              conversationId,
              action.total,
              action.currency,
              action.installments.length,
              at,
            ],
          );
          await this.client.query(
            `INSERT INTO installments (plan_id, seq, amount_minor, due_date)
             SELECT $1, s.seq, s.amount, s.due FROM unnest($2::int[], $3::bigint[], $4::date[]) AS s(seq, amount, due)`,
            [
              plan.rows[0]?.id,
              action.installments.map((_, i) => i + 1),
              action.installments.map((i) => i.amount),
              action.installments.map((i) => i.dueDate),
            ],
          );
          break;
        }
        case 'payment_claimed':
          await this.client.query(
            `INSERT INTO payment_claims (account_id, conversation_id, claimed_date, amount_minor, currency, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
            [
              account.id,
              conversationId,
              action.date ?? null,
              action.amount ?? null,
              account.currency,
              at,
            ],
          );
          break;
        case 'dispute_recorded':
          await this.client.query(
            `INSERT INTO disputes (account_id, conversation_id, created_at) VALUES ($1, $2, $3)`,
            [account.id, conversationId, at],
          );
          await this.client.query(
            `UPDATE accounts SET status = 'disputed', updated_at = $2 WHERE id = $1 AND status = 'active'`,
            [account.id, at],
          );
          break;
        case 'wrong_number':
          await this.client.query(
            `INSERT INTO contact_suppressions (debtor_id, channel, reason, conversation_id, created_at) VALUES ($1, $2, 'wrong_number', $3, $4)`,
            [debtor.id, channel, conversationId, at],
          );
          break;
        case 'hardship_flagged':
          await this.client.query(
            `INSERT INTO hardship_flags (debtor_id, conversation_id, created_at) VALUES ($1, $2, $3)`,
            [debtor.id, conversationId, at],
          );
          break;
        case 'escalated':
          await this.client.query(
            `INSERT INTO escalations (conversation_id, reason, created_at) VALUES ($1, $2, $3)`,
            [conversationId, action.reason, at],
          );
          break;
        case 'opted_out':
          await this.client.query(
            `INSERT INTO opt_outs (debtor_id, channel, opted_out_at, source) VALUES ($1, $2, $3, 'debtor') ON CONFLICT (debtor_id, channel) DO NOTHING`,
            [debtor.id, action.channel, at],
          );
          break;
        default:
          assertNever(action, 'engine action');
      }
    }
  }
}

/** Conversations, their transcripts and the records turns produce, in PostgreSQL or PGlite. */
export class PostgresConversationStore implements ConversationStore {
  constructor(private readonly pool: pg.Pool) {}

  async findAccount(
    accountRef: string,
  ): Promise<{ accountId: AccountId; debtorId: DebtorId } | undefined> {
    const { rows } = await this.pool.query<{ id: string; debtor_id: string }>(
      `SELECT id, debtor_id FROM accounts WHERE account_ref = $1`,
      [accountRef],
    );
    const row = rows[0];
    return row === undefined
      ? undefined
      : { accountId: row.id as AccountId, debtorId: row.debtor_id as DebtorId };
  }

  async open(input: {
    accountId: AccountId;
    debtorId: DebtorId;
    channel: Channel;
    state: ConversationState;
    locale?: string | undefined;
    at: Date;
  }): Promise<ConversationId> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO conversations (debtor_id, account_id, channel, owner, flow_id, flow_version, state, locale, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
      [
        input.debtorId,
        input.accountId,
        input.channel,
        input.state.owner,
        input.state.flowId,
        input.state.flowVersion,
        JSON.stringify(input.state),
        input.locale ?? null,
        input.at,
      ],
    );
    return rows[0]!.id as ConversationId;
  }

  async openForRoute(input: {
    accountId: AccountId;
    debtorId: DebtorId;
    channel: Channel;
    provider: Provider;
    address: string;
    state: ConversationState;
    at: Date;
    open?: { readonly id: ConversationId; readonly route: string } | undefined;
  }): Promise<ConversationId> {
    const find = async (): Promise<{ id: ConversationId; route: string } | undefined> => {
      const { rows } = await this.pool.query<{ id: string; route: string }>(findOpenSql, [
        input.debtorId,
        input.channel,
      ]);
      const row = rows[0];
      return row === undefined ? undefined : { id: row.id as ConversationId, route: row.route };
    };
    const existing = input.open ?? (await find());
    if (existing !== undefined) {
      // The debtor may write from another address of the same channel (a new number, LID vs phone).
      if (existing.route !== `${input.provider} ${input.address}`) {
        await this.pool.query(
          `UPDATE conversations SET provider = $2, address = $3 WHERE id = $1`,
          [existing.id, input.provider, input.address],
        );
      }
      return existing.id;
    }
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO conversations (debtor_id, account_id, channel, provider, address, owner, flow_id, flow_version, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
       ON CONFLICT (debtor_id, channel) WHERE status = 'open' AND channel <> 'web' DO NOTHING
       RETURNING id`,
      [
        input.debtorId,
        input.accountId,
        input.channel,
        input.provider,
        input.address,
        input.state.owner,
        input.state.flowId,
        input.state.flowVersion,
        JSON.stringify(input.state),
        input.at,
      ],
    );
    const created = rows[0]?.id as ConversationId | undefined;
    return created ?? (await find())!.id;
  }

  async withConversation<T>(
    id: ConversationId,
    work: (tx: ConversationTransaction) => Promise<T>,
    options?: { readonly providerMessageId?: string | undefined },
  ): Promise<T | undefined> {
    if (!uuidShape.test(id)) return undefined;
    const providerMessageId = options?.providerMessageId;
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<SnapshotRow>(snapshotSql, [
        id,
        providerMessageId ?? null,
      ]);
      const row = rows[0];
      if (row === undefined) return undefined;
      const isProcessed = isProcessedAnswer(row);
      return work(
        new PostgresConversationTransaction(
          client,
          toSnapshot(row),
          { lastSeq: row.last_seq, lastHash: row.last_hash },
          providerMessageId === undefined || isProcessed === undefined
            ? undefined
            : { providerMessageId, isProcessed },
        ),
      );
    });
  }

  async transcript(
    id: ConversationId,
  ): Promise<(TranscriptEntry & { prevHash: string | null; hash: string })[]> {
    if (!uuidShape.test(id)) return [];
    const { rows } = await this.pool.query<{
      seq: number;
      direction: 'in' | 'out';
      author: TranscriptEntry['author'];
      body: string;
      payload: unknown;
      provider_message_id: string | null;
      flow_id: string | null;
      flow_version: number | null;
      prompt_id: string | null;
      prompt_version: number | null;
      created_at: Date;
      prev_hash: string | null;
      hash: string;
    }>(
      `SELECT seq, direction, author, body, payload, provider_message_id, flow_id, flow_version, prompt_id, prompt_version, created_at, prev_hash, hash
         FROM messages WHERE conversation_id = $1 ORDER BY seq`,
      [id],
    );
    return rows.map((r) => ({
      conversationId: id,
      seq: r.seq,
      direction: r.direction,
      author: r.author,
      body: r.body,
      payload: r.payload,
      providerMessageId: r.provider_message_id,
      flowId: r.flow_id,
      flowVersion: r.flow_version,
      promptId: r.prompt_id,
      promptVersion: r.prompt_version,
      createdAt: r.created_at,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }
}
