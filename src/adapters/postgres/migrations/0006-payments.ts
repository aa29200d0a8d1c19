/**
 * Payments applied to accounts: what each payment did (the balance after it, the surplus beyond
 * the balance, its allocations to installments, the promises it kept, the plan it completed, the
 * payment claims it confirmed), a `thanked_at` mark for the thank-you the scheduler queues, and
 * one-question satisfaction surveys.
 *
 * Money stays honest: allocations are positive, append-only, name a real installment, and never
 * add up to more than the part of the payment that reduced the balance (checked at commit); the
 * surplus is never more than the payment.
 */
export const sql = /* sql */ `
ALTER TABLE payments
  ADD COLUMN method text CHECK (method <> '' AND length(method) <= 100),
  ADD COLUMN reference text CHECK (reference <> '' AND length(reference) <= 200),
  -- The account's balance right after this payment; NULL on payments stored before 0006.
  ADD COLUMN balance_after_minor bigint CHECK (balance_after_minor >= 0),
  -- Paid beyond the balance: recorded here, never lost, for a refund or a later charge.
  ADD COLUMN surplus_minor bigint NOT NULL DEFAULT 0 CHECK (surplus_minor >= 0),
  -- NULL until the thank-you for this payment was queued.
  ADD COLUMN thanked_at timestamptz,
  ADD CONSTRAINT payments_surplus_within_amount CHECK (surplus_minor <= amount_minor),
  ADD CONSTRAINT payments_external_id_not_blank CHECK (external_id <> '');
-- The scheduler's "payments not yet thanked", oldest first.
CREATE INDEX payments_not_thanked ON payments (created_at) WHERE thanked_at IS NULL;
-- Payments of an account in a date window (promises kept or broken).
CREATE INDEX payments_account_paid_at ON payments (account_id, paid_at);

CREATE TABLE payment_allocations (
  payment_id    uuid NOT NULL REFERENCES payments(id),
  plan_id       uuid NOT NULL,
  seq           integer NOT NULL,
  amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
  PRIMARY KEY (payment_id, plan_id, seq),
  FOREIGN KEY (plan_id, seq) REFERENCES installments (plan_id, seq)
);
CREATE INDEX payment_allocations_installment ON payment_allocations (plan_id, seq);
CREATE TRIGGER payment_allocations_append_only BEFORE UPDATE OR DELETE ON payment_allocations
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE FUNCTION check_payment_allocations() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  payment_row payments%ROWTYPE;
  allocated bigint;
BEGIN
  SELECT * INTO payment_row FROM payments WHERE id = NEW.payment_id;
  SELECT COALESCE(SUM(amount_minor), 0) INTO allocated FROM payment_allocations WHERE payment_id = NEW.payment_id;
  IF allocated > payment_row.amount_minor - payment_row.surplus_minor THEN
    RAISE EXCEPTION 'payment % allocates % to installments; it applied only % (% minus a surplus of %)',
      payment_row.id, allocated, payment_row.amount_minor - payment_row.surplus_minor,
      payment_row.amount_minor, payment_row.surplus_minor
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER payment_allocations_within_payment
  AFTER INSERT ON payment_allocations
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION check_payment_allocations();

ALTER TABLE promises
  ADD COLUMN kept_by_payment_id uuid REFERENCES payments(id),
  ADD CONSTRAINT promises_kept_by_payment CHECK (kept_by_payment_id IS NULL OR status = 'kept');
CREATE INDEX promises_kept_by_payment ON promises (kept_by_payment_id) WHERE kept_by_payment_id IS NOT NULL;

ALTER TABLE plans
  ADD COLUMN completed_by_payment_id uuid REFERENCES payments(id),
  ADD CONSTRAINT plans_completed_by_payment CHECK (completed_by_payment_id IS NULL OR status = 'completed');
CREATE INDEX plans_completed_by_payment ON plans (completed_by_payment_id) WHERE completed_by_payment_id IS NOT NULL;

ALTER TABLE payment_claims
  ADD COLUMN confirmed_by_payment_id uuid REFERENCES payments(id),
  ADD CONSTRAINT payment_claims_confirmed_by_payment CHECK (confirmed_by_payment_id IS NULL OR status = 'confirmed');
CREATE INDEX payment_claims_open ON payment_claims (account_id) WHERE status = 'open';

-- One question after a payment (or a conversation): "from 1 to 5, how did we do?".
CREATE TABLE satisfaction_surveys (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  debtor_id        uuid NOT NULL REFERENCES debtors(id),
  account_id       uuid NOT NULL REFERENCES accounts(id),
  payment_id       uuid REFERENCES payments(id),
  conversation_id  uuid REFERENCES conversations(id),
  score            smallint CHECK (score BETWEEN 1 AND 5),
  asked_at         timestamptz NOT NULL,
  answered_at      timestamptz,
  CHECK ((score IS NULL) = (answered_at IS NULL)),
  CHECK (answered_at IS NULL OR answered_at >= asked_at)
);
-- A scheduler run that repeats cannot ask about the same payment twice.
CREATE UNIQUE INDEX satisfaction_surveys_payment ON satisfaction_surveys (payment_id) WHERE payment_id IS NOT NULL;
-- The debtor's open question, the one a "5" answers.
CREATE INDEX satisfaction_surveys_unanswered ON satisfaction_surveys (debtor_id, asked_at) WHERE answered_at IS NULL;
CREATE INDEX satisfaction_surveys_account ON satisfaction_surveys (account_id);
`;
