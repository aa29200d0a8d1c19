/**
 * Segments and outbound campaigns: a segment is a saved filter over the portfolio (its JSON is
 * validated by SegmentFilterSchema before it is stored), a campaign sends one template (or one
 * of several weighted variants) to every account of a segment under the contact policy, and
 * campaign_targets records what became of each account, once: the primary key makes a run
 * that repeats after a crash add nothing twice.
 */
export const sql = /* sql */ `
CREATE TABLE segments (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL UNIQUE CHECK (name <> '' AND length(name) <= 200),
  filter      jsonb NOT NULL,
  created_at  timestamptz NOT NULL
);

CREATE TABLE campaigns (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL UNIQUE CHECK (name <> '' AND length(name) <= 200),
  segment_id    uuid NOT NULL REFERENCES segments(id),
  flow_id       text NOT NULL,
  -- The order to try: the first channel the debtor can be reached on is used, the rest are fallbacks.
  channels      text[] NOT NULL CHECK (cardinality(channels) >= 1
                                       AND channels <@ ARRAY['whatsapp', 'sms', 'telegram']::text[]),
  -- [{id, template, weight}], weights positive integers.
  variants      jsonb NOT NULL CHECK (jsonb_typeof(variants) = 'array' AND jsonb_array_length(variants) >= 1),
  starts_at     timestamptz NOT NULL,
  -- Local hours in the debtor's time zone when messages may be queued; the contact policy still applies.
  window_from   text CHECK (window_from ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  window_to     text CHECK (window_to ~ '^([01][0-9]|2[0-4]):[0-5][0-9]$'),
  -- Messages queued per minute at most; null queues the whole segment as fast as the store goes.
  throttle      integer CHECK (throttle > 0),
  status        text NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'running', 'paused', 'stopped', 'finished')),
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  started_at    timestamptz,
  finished_at   timestamptz,
  CHECK ((window_from IS NULL) = (window_to IS NULL)),
  CHECK (window_from IS NULL OR window_from < window_to)
);
CREATE INDEX campaigns_running ON campaigns (starts_at) WHERE status = 'running';

CREATE TABLE campaign_targets (
  campaign_id  uuid NOT NULL REFERENCES campaigns(id),
  debtor_id    uuid NOT NULL REFERENCES debtors(id),
  account_id   uuid NOT NULL REFERENCES accounts(id),
  variant      text NOT NULL,
  -- queued: in the outbox, due now; deferred: in the outbox, due when the policy allows;
  -- denied: refused by the contact policy (kept in the outbox as denied); skipped: the debtor
  -- already had this campaign's message for another account.
  status       text NOT NULL CHECK (status IN ('queued', 'deferred', 'denied', 'skipped')),
  dedupe_key   text,
  decision     jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (campaign_id, account_id),
  CHECK ((status = 'skipped') = (dedupe_key IS NULL))
);
CREATE INDEX campaign_targets_debtor ON campaign_targets (campaign_id, debtor_id);
`;
