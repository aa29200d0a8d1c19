/**
 * What conversations record besides promises and plans: escalations, disputes, payment claims,
 * hardship and contact suppressions; plus the transcript chain head kept on the conversation
 * row so appending never scans history, and inbound de-duplication by provider message id.
 */
export const sql = /* sql */ `
ALTER TABLE conversations
  ADD COLUMN last_seq integer NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  ADD COLUMN last_hash text,
  -- The language this conversation is held in when it differs from the debtor's default.
  ADD COLUMN locale text;

CREATE UNIQUE INDEX messages_inbound_provider_id
  ON messages (conversation_id, provider_message_id)
  WHERE direction = 'in' AND provider_message_id IS NOT NULL;

CREATE TABLE escalations (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  conversation_id  uuid NOT NULL REFERENCES conversations(id),
  reason           text NOT NULL,
  created_at       timestamptz NOT NULL,
  resolved_at      timestamptz
);
CREATE INDEX escalations_open ON escalations (created_at) WHERE resolved_at IS NULL;

CREATE TABLE disputes (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts(id),
  conversation_id  uuid REFERENCES conversations(id),
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'rejected')),
  created_at       timestamptz NOT NULL
);
CREATE INDEX disputes_account ON disputes (account_id);

CREATE TABLE payment_claims (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts(id),
  conversation_id  uuid REFERENCES conversations(id),
  claimed_date     date,
  amount_minor     bigint CHECK (amount_minor > 0),
  currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'rejected')),
  created_at       timestamptz NOT NULL
);
CREATE INDEX payment_claims_account ON payment_claims (account_id);

CREATE TABLE hardship_flags (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  debtor_id        uuid NOT NULL REFERENCES debtors(id),
  conversation_id  uuid REFERENCES conversations(id),
  created_at       timestamptz NOT NULL
);
CREATE INDEX hardship_flags_debtor ON hardship_flags (debtor_id);

CREATE TABLE contact_suppressions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  debtor_id        uuid NOT NULL REFERENCES debtors(id),
  channel          text NOT NULL CHECK (channel IN ('whatsapp', 'sms', 'telegram', 'email', 'web', 'all')),
  reason           text NOT NULL CHECK (reason IN ('wrong_number', 'dispute', 'deceased', 'bankruptcy', 'lawyer')),
  conversation_id  uuid REFERENCES conversations(id),
  created_at       timestamptz NOT NULL
);
CREATE INDEX contact_suppressions_debtor ON contact_suppressions (debtor_id);
`;
