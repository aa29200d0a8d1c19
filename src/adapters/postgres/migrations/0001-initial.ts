/**
 * The portfolio, negotiation records, transcripts and audit log. Constraints keep money and
 * states honest: amounts are bigint minor units and never negative, currencies are ISO 4217
 * shapes, statuses are closed sets, installments must sum to their plan's total (checked at
 * commit), and the transcript and audit log refuse UPDATE and DELETE.
 */
export const sql = /* sql */ `
CREATE TABLE debtors (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  debtor_ref   text NOT NULL UNIQUE CHECK (debtor_ref <> ''),
  name         text NOT NULL CHECK (name <> ''),
  document_id  text,
  country      text CHECK (country ~ '^[A-Z]{2}$'),
  time_zone    text NOT NULL,
  locale       text NOT NULL,
  segment      text,
  tags         text[] NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contact_points (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  debtor_id    uuid NOT NULL REFERENCES debtors(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('phone', 'telegram', 'email')),
  value        text NOT NULL CHECK (value <> ''),
  has_consent  boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (debtor_id, kind, value),
  CHECK (kind <> 'phone' OR value ~ '^\\+[1-9][0-9]{6,14}$')
);
CREATE INDEX contact_points_lookup ON contact_points (kind, value);

CREATE TABLE opt_outs (
  debtor_id    uuid NOT NULL REFERENCES debtors(id) ON DELETE CASCADE,
  channel      text NOT NULL CHECK (channel IN ('whatsapp', 'sms', 'telegram', 'email', 'web', 'all')),
  opted_out_at timestamptz NOT NULL DEFAULT now(),
  source       text NOT NULL,
  PRIMARY KEY (debtor_id, channel)
);

CREATE TABLE accounts (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_ref        text NOT NULL UNIQUE CHECK (account_ref <> ''),
  debtor_id          uuid NOT NULL REFERENCES debtors(id),
  currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  balance_minor      bigint NOT NULL CHECK (balance_minor >= 0),
  original_minor     bigint CHECK (original_minor >= 0),
  min_payment_minor  bigint CHECK (min_payment_minor >= 0),
  due_date           date NOT NULL,
  product            text,
  segment            text,
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paid', 'disputed', 'closed')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_debtor ON accounts (debtor_id);
CREATE INDEX accounts_due_date ON accounts (due_date);

CREATE TABLE payments (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id    uuid NOT NULL REFERENCES accounts(id),
  external_id   text UNIQUE,
  amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
  currency      text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  paid_at       timestamptz NOT NULL,
  source        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_account ON payments (account_id);

CREATE TABLE conversations (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  debtor_id     uuid NOT NULL REFERENCES debtors(id),
  account_id    uuid REFERENCES accounts(id),
  channel       text NOT NULL CHECK (channel IN ('whatsapp', 'sms', 'telegram', 'email', 'web')),
  owner         text NOT NULL DEFAULT 'bot' CHECK (owner IN ('bot', 'agent')),
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  flow_id       text,
  flow_version  integer,
  state         jsonb NOT NULL DEFAULT '{}',
  turn_count    integer NOT NULL DEFAULT 0 CHECK (turn_count >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_debtor ON conversations (debtor_id);
CREATE INDEX conversations_account ON conversations (account_id);

-- The transcript: append-only, each row chained to the previous one of its conversation by
-- hash = sha256(prev_hash || canonical row), so any edit or deletion breaks the chain.
CREATE TABLE messages (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id     uuid NOT NULL REFERENCES conversations(id),
  seq                 integer NOT NULL CHECK (seq >= 1),
  direction           text NOT NULL CHECK (direction IN ('in', 'out')),
  author              text NOT NULL CHECK (author IN ('debtor', 'bot', 'agent', 'system')),
  body                text NOT NULL,
  payload             jsonb NOT NULL DEFAULT '{}',
  provider_message_id text,
  flow_id             text,
  flow_version        integer,
  prompt_id           text,
  prompt_version      integer,
  created_at          timestamptz NOT NULL,
  prev_hash           text,
  hash                text NOT NULL,
  UNIQUE (conversation_id, seq),
  CHECK (author <> 'bot' OR (flow_id IS NOT NULL AND flow_version IS NOT NULL))
);

CREATE TABLE promises (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts(id),
  conversation_id  uuid REFERENCES conversations(id),
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  due_date         date NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'kept', 'broken', 'cancelled')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  resolved_at      timestamptz,
  CHECK ((status = 'pending') = (resolved_at IS NULL))
);
CREATE INDEX promises_account ON promises (account_id);
CREATE INDEX promises_pending_due ON promises (due_date) WHERE status = 'pending';

CREATE TABLE plans (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id         uuid NOT NULL REFERENCES accounts(id),
  conversation_id    uuid REFERENCES conversations(id),
  total_minor        bigint NOT NULL CHECK (total_minor > 0),
  currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  installment_count  integer NOT NULL CHECK (installment_count >= 1),
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'broken', 'cancelled')),
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plans_account ON plans (account_id);

CREATE TABLE installments (
  plan_id       uuid NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  seq           integer NOT NULL CHECK (seq >= 1),
  amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
  due_date      date NOT NULL,
  paid_minor    bigint NOT NULL DEFAULT 0 CHECK (paid_minor >= 0 AND paid_minor <= amount_minor),
  PRIMARY KEY (plan_id, seq)
);

CREATE FUNCTION check_plan_total() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  plan_row plans%ROWTYPE;
  sum_minor bigint;
  n integer;
BEGIN
  SELECT * INTO plan_row FROM plans WHERE id = COALESCE(NEW.plan_id, OLD.plan_id);
  IF NOT FOUND THEN RETURN NULL; END IF;
  SELECT COALESCE(SUM(amount_minor), 0), COUNT(*) INTO sum_minor, n FROM installments WHERE plan_id = plan_row.id;
  IF sum_minor <> plan_row.total_minor OR n <> plan_row.installment_count THEN
    RAISE EXCEPTION 'installments of plan % sum to % in % rows; the plan says % in % rows',
      plan_row.id, sum_minor, n, plan_row.total_minor, plan_row.installment_count
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER installments_sum_to_plan
  AFTER INSERT OR UPDATE OR DELETE ON installments
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION check_plan_total();

CREATE FUNCTION check_plan_has_installments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM installments WHERE plan_id = NEW.id) THEN
    RAISE EXCEPTION 'plan % has no installments', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER plans_have_installments
  AFTER INSERT ON plans
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION check_plan_has_installments();

CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor        text NOT NULL,
  action       text NOT NULL,
  entity_type  text NOT NULL,
  entity_id    text NOT NULL,
  data         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER messages_append_only BEFORE UPDATE OR DELETE ON messages
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE imports (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source       text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'failed')),
  rows_read    integer NOT NULL DEFAULT 0,
  inserted     integer NOT NULL DEFAULT 0,
  updated      integer NOT NULL DEFAULT 0,
  unchanged    integer NOT NULL DEFAULT 0,
  rejected     integer NOT NULL DEFAULT 0,
  summary      jsonb NOT NULL DEFAULT '{}'
);
`;
