/**
 * The WhatsApp Web (Baileys) session kept in the database instead of a folder of files, so a
 * restart or a new container never needs a new pairing. One row per item: kind 'creds' (key_id
 * 'creds') for the account credentials, Baileys' key kinds ('pre-key', 'session', 'sender-key',
 * 'app-state-sync-key', 'lid-mapping', 'device-list', ...) and kind 'message' for messages we
 * sent, which WhatsApp may ask to be re-sent. Values are JSON with Buffers as base64
 * (Baileys' BufferJSON).
 */
export const sql = /* sql */ `
CREATE TABLE baileys_auth (
  session     text NOT NULL,
  kind        text NOT NULL,
  key_id      text NOT NULL,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session, kind, key_id)
);
CREATE INDEX baileys_auth_messages ON baileys_auth (session, updated_at) WHERE kind = 'message';
`;
