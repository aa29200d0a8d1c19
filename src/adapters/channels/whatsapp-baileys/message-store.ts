/**
 * Messages we sent, kept so Baileys' `getMessage` can answer when a recipient's phone failed to
 * decrypt one and asks for a re-send. Kept in baileys_auth under kind 'message', keyed by the
 * message id (random per message, so the LID or phone form of the chat does not matter).
 */
import { proto, type WAMessage, type WAMessageKey } from '@whiskeysockets/baileys';
import type pg from 'pg';
import { fromStoredJson, toStoredJson } from './auth-state.js';

const KIND = 'message';

export interface SentMessageStore {
  save(message: WAMessage): Promise<void>;
  /** The content of a message we sent, for Baileys' `getMessage`; undefined when unknown. */
  get(key: WAMessageKey): Promise<proto.IMessage | undefined>;
  /** Drops messages saved before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** A {@link SentMessageStore} over the baileys_auth table. */
export function createSentMessageStore(pool: pg.Pool, session: string): SentMessageStore {
  return {
    save: async (message) => {
      const id = message.key.id;
      if (!id || !message.message) return;
      await pool.query(
        `INSERT INTO baileys_auth (session, kind, key_id, value, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, now())
         ON CONFLICT (session, kind, key_id)
         DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        [session, KIND, id, toStoredJson(message.message)],
      );
    },
    get: async (key) => {
      if (!key.id) return undefined;
      const result = await pool.query<{ value: string }>(
        'SELECT value::text AS value FROM baileys_auth WHERE session = $1 AND kind = $2 AND key_id = $3',
        [session, KIND, key.id],
      );
      const row = result.rows[0];
      return row === undefined
        ? undefined
        : proto.Message.fromObject(fromStoredJson<Record<string, unknown>>(row.value));
    },
    prune: async (before) => {
      const result = await pool.query(
        'DELETE FROM baileys_auth WHERE session = $1 AND kind = $2 AND updated_at < $3',
        [session, KIND, before],
      );
      return result.rowCount ?? 0;
    },
  };
}
