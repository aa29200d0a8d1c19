/**
 * Channels: raw provider events stored before they are acknowledged (the inbox), the outbox
 * every outbound message goes through, the mapping from provider ids to debtors, senders we
 * could not match, and where each conversation's replies go.
 */
export const sql = /* sql */ `
CREATE TABLE channel_identities (
  provider     text NOT NULL CHECK (provider IN ('whatsapp-cloud', 'whatsapp-baileys', 'telegram', 'twilio-sms', 'web')),
  external_id  text NOT NULL CHECK (external_id <> ''),
  debtor_id    uuid NOT NULL REFERENCES debtors(id) ON DELETE CASCADE,
  phone        text CHECK (phone IS NULL OR phone ~ '^\\+[1-9][0-9]{6,14}$'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, external_id)
);
CREATE INDEX channel_identities_debtor ON channel_identities (debtor_id);

-- Raw events exactly as providers delivered them. (provider, event_id) makes a redelivery,
-- even days later, a no-op; processed rows are kept at least 8 days for that reason.
CREATE TABLE inbound_events (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider      text NOT NULL,
  event_id      text NOT NULL,
  payload       jsonb NOT NULL,
  received_at   timestamptz NOT NULL,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'processed', 'failed')),
  attempts      integer NOT NULL DEFAULT 0,
  claimed_at    timestamptz,
  processed_at  timestamptz,
  error         text,
  UNIQUE (provider, event_id)
);
CREATE INDEX inbound_events_pending ON inbound_events (id) WHERE status IN ('pending', 'processing');
CREATE INDEX inbound_events_processed_at ON inbound_events (processed_at) WHERE status = 'processed';

CREATE TABLE unknown_senders (
  provider       text NOT NULL,
  external_id    text NOT NULL,
  phone          text,
  first_seen_at  timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  messages       integer NOT NULL DEFAULT 1,
  PRIMARY KEY (provider, external_id)
);

ALTER TABLE conversations
  ADD COLUMN provider text,
  ADD COLUMN address text,
  -- The debtor's last message: WhatsApp's 24-hour customer-service window opens with it.
  ADD COLUMN last_inbound_at timestamptz;
-- One open conversation per debtor and messaging channel, so two messages arriving together
-- from a new sender land in the same conversation. (Web chat opens one per session.)
CREATE UNIQUE INDEX conversations_open_per_channel
  ON conversations (debtor_id, channel) WHERE status = 'open' AND channel <> 'web';

-- Every outbound message. Rows move pending -> sending -> sent -> delivered/read, or to failed,
-- cancelled, or unknown (a crash while sending: never resent blindly, reconciled by status
-- callbacks or by an operator).
CREATE TABLE outbox (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id      uuid REFERENCES conversations(id),
  -- Null only for the one generic reply to a sender who matched no debtor.
  debtor_id            uuid REFERENCES debtors(id),
  provider             text NOT NULL,
  recipient            text NOT NULL,
  author               text NOT NULL CHECK (author IN ('bot', 'agent', 'system')),
  content              jsonb NOT NULL,
  locale               text NOT NULL,
  -- The opt-out confirmation is the one message allowed after an opt-out on the channel.
  is_opt_out_notice    boolean NOT NULL DEFAULT false,
  status               text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'cancelled', 'unknown')),
  attempts             integer NOT NULL DEFAULT 0,
  next_attempt_at      timestamptz NOT NULL,
  claimed_at           timestamptz,
  sent_at              timestamptz,
  provider_message_id  text,
  last_error           text,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_sending ON outbox (claimed_at) WHERE status = 'sending';
CREATE UNIQUE INDEX outbox_provider_message ON outbox (provider, provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX outbox_conversation ON outbox (conversation_id);

-- Receipts a debtor sends after "ya pagué", for an agent to check.
ALTER TABLE payment_claims ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';
`;
