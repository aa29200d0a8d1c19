/**
 * Baileys' authentication state kept in PostgreSQL (table baileys_auth), in the shape of
 * Baileys' own useMultiFileAuthState: the account credentials plus every Signal key kind
 * (pre-keys, sessions, sender keys, app-state keys, LID mappings, device lists, ...). Values go
 * through BufferJSON so Buffers and Uint8Arrays survive as base64.
 */
import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys';
import type pg from 'pg';
import { withTransaction } from '../../postgres/database.js';

/** The kind and key id under which the account credentials are kept. */
const CREDS = 'creds';

/** Key kinds that are not Baileys key material and survive a logout. */
const nonKeyKinds = [CREDS, 'message'];

/** JSON text for a value, Buffers as `{ type: 'Buffer', data: base64 }`. */
export function toStoredJson(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

/** The value back from stored JSON text, Buffers restored. */
export function fromStoredJson<T>(text: string): T {
  return JSON.parse(text, BufferJSON.reviver) as T;
}

export interface PostgresAuthState {
  readonly state: AuthenticationState;
  /** Writes the current credentials; call on every `creds.update`. */
  saveCreds(): Promise<void>;
}

/**
 * Loads (or creates) the auth state of `session`. `keys.set` writes all of one call in a single
 * transaction, so Baileys never sees half a key update after a crash; a null value deletes.
 */
export async function usePostgresAuthState(
  pool: pg.Pool,
  session: string,
): Promise<PostgresAuthState> {
  const stored = await pool.query<{ value: string }>(
    'SELECT value::text AS value FROM baileys_auth WHERE session = $1 AND kind = $2 AND key_id = $2',
    [session, CREDS],
  );
  const row = stored.rows[0];
  const creds: AuthenticationCreds =
    row === undefined ? initAuthCreds() : fromStoredJson<AuthenticationCreds>(row.value);

  const state: AuthenticationState = {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const found: Record<string, SignalDataTypeMap[T]> = {};
        if (ids.length === 0) return found;
        const result = await pool.query<{ key_id: string; value: string }>(
          `SELECT key_id, value::text AS value FROM baileys_auth
            WHERE session = $1 AND kind = $2 AND key_id = ANY($3::text[])`,
          [session, type, ids],
        );
        for (const r of result.rows) {
          let value: unknown = fromStoredJson(r.value);
          if (type === 'app-state-sync-key') {
            value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
          }
          found[r.key_id] = value as SignalDataTypeMap[T];
        }
        return found;
      },
      set: async (data: SignalDataSet) => {
        const upsertKinds: string[] = [];
        const upsertIds: string[] = [];
        const upsertValues: string[] = [];
        const deleteKinds: string[] = [];
        const deleteIds: string[] = [];
        for (const [kind, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            if (value === null || value === undefined) {
              deleteKinds.push(kind);
              deleteIds.push(id);
            } else {
              upsertKinds.push(kind);
              upsertIds.push(id);
              upsertValues.push(toStoredJson(value));
            }
          }
        }
        if (upsertIds.length === 0 && deleteIds.length === 0) return;
        await withTransaction(pool, async (client) => {
          if (upsertIds.length > 0) {
            await client.query(
              `INSERT INTO baileys_auth (session, kind, key_id, value, updated_at)
               SELECT $1, k, i, v::jsonb, now()
                 FROM unnest($2::text[], $3::text[], $4::text[]) AS t(k, i, v)
               ON CONFLICT (session, kind, key_id)
               DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
              [session, upsertKinds, upsertIds, upsertValues],
            );
          }
          if (deleteIds.length > 0) {
            await client.query(
              `DELETE FROM baileys_auth a
                USING unnest($2::text[], $3::text[]) AS t(k, i)
                WHERE a.session = $1 AND a.kind = t.k AND a.key_id = t.i`,
              [session, deleteKinds, deleteIds],
            );
          }
        });
      },
      clear: async () => {
        await pool.query(
          'DELETE FROM baileys_auth WHERE session = $1 AND NOT (kind = ANY($2::text[]))',
          [session, nonKeyKinds],
        );
      },
    },
  };

  return {
    state,
    saveCreds: async () => {
      await pool.query(
        `INSERT INTO baileys_auth (session, kind, key_id, value, updated_at)
         VALUES ($1, $2, $2, $3::jsonb, now())
         ON CONFLICT (session, kind, key_id)
         DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        [session, CREDS, toStoredJson(creds)],
      );
    },
  };
}

/**
 * Forgets a session's credentials and keys (after WhatsApp logged the device out, they are
 * worthless), so the next start offers a fresh QR. Sent messages kept for re-sends go too.
 */
export async function deletePostgresAuthState(pool: pg.Pool, session: string): Promise<void> {
  await pool.query('DELETE FROM baileys_auth WHERE session = $1', [session]);
}
