/**
 * Outreach under the contact policy: why each outbound message exists (its purpose), what the
 * contact policy decided about it (recorded on the row, every time it was asked), a `denied`
 * status for messages the policy refused, an idempotency key so a scheduler job that runs twice
 * queues nothing twice, the debtor's own contact preferences, and an account flag for broken
 * promises.
 */
export const sql = /* sql */ `
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
  CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'cancelled', 'unknown', 'denied'));

ALTER TABLE outbox
  ADD COLUMN purpose text NOT NULL DEFAULT 'reply'
    CHECK (purpose IN ('reply', 'agent', 'opt_out_notice', 'reminder', 'promise_reminder', 'installment_reminder',
                       'broken_promise', 'payment_thanks', 'survey', 'nudge', 'campaign')),
  ADD COLUMN account_id uuid REFERENCES accounts(id),
  -- Each decision of the contact policy about this row, in order: {at, type, rule, reason, until}.
  ADD COLUMN policy_decisions jsonb NOT NULL DEFAULT '[]',
  -- Set on creditor-initiated messages: a job that runs twice cannot queue the same message twice.
  ADD COLUMN dedupe_key text,
  -- The other channels the debtor could be reached on, in the strategy's order: a message that
  -- fails for good is queued again on the first of them that still reaches the debtor.
  ADD COLUMN fallback_channels text[] NOT NULL DEFAULT '{}',
  -- What a creditor-initiated message was made from (template, values), to render it again for
  -- a fallback channel.
  ADD COLUMN outreach jsonb,
  -- A reminder is useless after its day: deferred past this instant, it is denied as stale.
  ADD COLUMN expires_at timestamptz;
CREATE UNIQUE INDEX outbox_dedupe_key ON outbox (dedupe_key) WHERE dedupe_key IS NOT NULL;
-- The contact history the frequency caps count: recent messages per debtor.
CREATE INDEX outbox_debtor_recent ON outbox (debtor_id, created_at) WHERE debtor_id IS NOT NULL;

-- "escríbeme después de las 6": hours in the debtor's own time zone, days 1 = Monday .. 7 = Sunday.
CREATE TABLE contact_preferences (
  debtor_id   uuid PRIMARY KEY REFERENCES debtors(id) ON DELETE CASCADE,
  earliest    text CHECK (earliest ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  latest      text CHECK (latest ~ '^([01][0-9]|2[0-4]):[0-5][0-9]$'),
  days        smallint[] CHECK (days <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::smallint[]),
  source      text NOT NULL,
  updated_at  timestamptz NOT NULL
);

ALTER TABLE accounts ADD COLUMN broken_promises integer NOT NULL DEFAULT 0 CHECK (broken_promises >= 0);
`;
