/**
 * Records which debtor a Telegram chat belongs to, in `channel_identities` (migration 0004),
 * once a signed deep link or a shared contact has vouched for it.
 */
import type pg from 'pg';

export interface TelegramChatLink {
  /** The Telegram chat id, as the parser reports it in `Sender.externalId`. */
  readonly chatId: string;
  readonly debtorId: string;
  /** E.164, when the debtor shared their own contact. */
  readonly phone?: string | undefined;
  /** Defaults to the database's now(). */
  readonly linkedAt?: Date | undefined;
}

/**
 * `linked` when this call created the mapping; `already-linked` when the chat already maps to
 * the same debtor; `linked-elsewhere` when it maps to another debtor (kept: a chat is never
 * silently moved between debtors).
 */
export type LinkTelegramChatResult =
  | { readonly status: 'linked' | 'already-linked' }
  | { readonly status: 'linked-elsewhere'; readonly debtorId: string };

/** Maps a Telegram chat to a debtor; an existing mapping is left as it is (ON CONFLICT DO NOTHING). */
export async function linkTelegramChat(
  pool: Pick<pg.Pool, 'query'>,
  link: TelegramChatLink,
): Promise<LinkTelegramChatResult> {
  const inserted = await pool.query(
    `INSERT INTO channel_identities (provider, external_id, debtor_id, phone, created_at)
     VALUES ('telegram', $1, $2, $3, COALESCE($4::timestamptz, now()))
     ON CONFLICT (provider, external_id) DO NOTHING`,
    [link.chatId, link.debtorId, link.phone ?? null, link.linkedAt ?? null],
  );
  if (inserted.rowCount === 1) return { status: 'linked' };
  const existing = await pool.query<{ debtor_id: string }>(
    `SELECT debtor_id FROM channel_identities WHERE provider = 'telegram' AND external_id = $1`,
    [link.chatId],
  );
  const debtorId = existing.rows[0]?.debtor_id;
  if (debtorId === undefined || debtorId.toLowerCase() === link.debtorId.toLowerCase()) {
    return { status: 'already-linked' };
  }
  return { status: 'linked-elsewhere', debtorId };
}
