import type pg from 'pg';
import type { Sender } from '../../domain/messaging/message.js';
import type { AccountId, DebtorId } from '../../domain/model.js';
import type { SenderDirectory, SenderMatch } from '../../ports/inbound-events.js';

/** Matches provider senders to debtors through channel_identities and phone contact points. */
export class PostgresSenderDirectory implements SenderDirectory {
  constructor(private readonly pool: pg.Pool) {}

  async match(sender: Sender, at: Date): Promise<SenderMatch | undefined> {
    const mapped = await this.pool.query<{ debtor_id: string }>(
      `SELECT debtor_id FROM channel_identities WHERE provider = $1 AND external_id = $2`,
      [sender.provider, sender.externalId],
    );
    let debtorId = mapped.rows[0]?.debtor_id;
    if (debtorId === undefined && sender.phone !== undefined) {
      const byPhone = await this.pool.query<{ debtor_id: string }>(
        `SELECT debtor_id FROM contact_points WHERE kind = 'phone' AND value = $1 ORDER BY created_at LIMIT 1`,
        [sender.phone],
      );
      debtorId = byPhone.rows[0]?.debtor_id;
      if (debtorId !== undefined) {
        await this.pool.query(
          `INSERT INTO channel_identities (provider, external_id, debtor_id, phone, created_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (provider, external_id) DO NOTHING`,
          [sender.provider, sender.externalId, debtorId, sender.phone, at],
        );
      }
    }
    if (debtorId === undefined) return undefined;
    const account = await this.pool.query<{ id: string }>(
      `SELECT id FROM accounts WHERE debtor_id = $1 ORDER BY (status = 'active') DESC, balance_minor DESC, created_at LIMIT 1`,
      [debtorId],
    );
    const accountId = account.rows[0]?.id;
    return accountId === undefined
      ? undefined
      : { debtorId: debtorId as DebtorId, accountId: accountId as AccountId };
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
