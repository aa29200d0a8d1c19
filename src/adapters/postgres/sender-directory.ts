import type pg from 'pg';
import { channelOf, type Sender } from '../../domain/messaging/message.js';
import type { AccountId, ConversationId, DebtorId } from '../../domain/model.js';
import type { SenderDirectory, SenderMatch } from '../../ports/inbound-events.js';

/** The account a debtor's messages are about: the active one with the largest balance. */
function accountOf(debtorColumn: string): string {
  return `SELECT a.id FROM accounts a WHERE a.debtor_id = ${debtorColumn}
           ORDER BY (a.status = 'active') DESC, a.balance_minor DESC, a.created_at LIMIT 1`;
}

function matchOf(debtorId: string, accountId: string | null): SenderMatch | undefined {
  return accountId === null
    ? undefined
    : { debtorId: debtorId as DebtorId, accountId: accountId as AccountId };
}

/** Matches provider senders to debtors through channel_identities and phone contact points. */
export class PostgresSenderDirectory implements SenderDirectory {
  constructor(private readonly pool: pg.Pool) {}

  async match(sender: Sender, at: Date): Promise<SenderMatch | undefined> {
    // The common case, a sender seen before, is one round trip.
    const known = await this.pool.query<{
      debtor_id: string;
      account_id: string | null;
      conversation_id: string | null;
      route: string;
    }>(
      // The debtor's open conversation on the channel comes along: the turn needs it next.
      `SELECT ci.debtor_id, (${accountOf('ci.debtor_id')}) AS account_id,
              oc.id AS conversation_id, concat_ws(' ', oc.provider, oc.address) AS route
         FROM channel_identities ci
         LEFT JOIN conversations oc ON oc.debtor_id = ci.debtor_id AND oc.channel = $3 AND oc.status = 'open'
        WHERE ci.provider = $1 AND ci.external_id = $2
        LIMIT 1`,
      [sender.provider, sender.externalId, channelOf[sender.provider]],
    );
    const row = known.rows[0];
    if (row !== undefined) {
      const match = matchOf(row.debtor_id, row.account_id);
      return match === undefined || row.conversation_id === null
        ? match
        : {
            ...match,
            openConversation: { id: row.conversation_id as ConversationId, route: row.route },
          };
    }
    if (sender.phone === undefined) return undefined;
    const byPhone = await this.pool.query<{ debtor_id: string; account_id: string | null }>(
      `SELECT cp.debtor_id, (${accountOf('cp.debtor_id')}) AS account_id
         FROM contact_points cp WHERE cp.kind = 'phone' AND cp.value = $1 ORDER BY cp.created_at LIMIT 1`,
      [sender.phone],
    );
    const found = byPhone.rows[0];
    if (found === undefined) return undefined;
    await this.pool.query(
      `INSERT INTO channel_identities (provider, external_id, debtor_id, phone, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (provider, external_id) DO NOTHING`,
      [sender.provider, sender.externalId, found.debtor_id, sender.phone, at],
    );
    return matchOf(found.debtor_id, found.account_id);
  }

  async recordUnknown(sender: Sender, at: Date): Promise<boolean> {
    const { rows } = await this.pool.query<{ is_new: boolean }>(
      `INSERT INTO unknown_senders (provider, external_id, phone, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (provider, external_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, messages = unknown_senders.messages + 1
       RETURNING (xmax = 0) AS is_new`,
      [sender.provider, sender.externalId, sender.phone ?? null, at],
    );
    return rows[0]?.is_new === true;
  }
}
