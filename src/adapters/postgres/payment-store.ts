import type pg from 'pg';
import type { LocalDate } from '../../domain/dates.js';
import { AppError } from '../../domain/errors.js';
import type { AccountId, AccountStatus, DebtorId } from '../../domain/model.js';
import { minor, money, type CurrencyCode } from '../../domain/money.js';
import {
  paidAtInstant,
  paidOn,
  type DatedPayment,
  type PaymentApplication,
  type PaymentInstruction,
  type PlanToPay,
  type PromiseTerms,
} from '../../domain/payments/index.js';
import type {
  PaymentAccountState,
  PaymentDecision,
  PaymentStore,
  RecordedPayment,
  RecordPaymentOutcome,
} from '../../ports/payment-store.js';
import { withTransaction, type Database } from './database.js';

interface AccountRow {
  id: string;
  account_ref: string;
  debtor_id: string;
  currency: string;
  balance_minor: number;
  status: AccountStatus;
  time_zone: string;
}

interface PaymentRow {
  id: string;
  external_id: string;
  account_id: string;
  account_ref: string;
  debtor_id: string;
  amount_minor: number;
  currency: string;
  paid_at: Date;
  source: string;
  method: string | null;
  reference: string | null;
  balance_after_minor: number | null;
  surplus_minor: number;
  created_at: Date;
}

const paymentColumns = /* sql */ `
  p.id, p.external_id, p.account_id, a.account_ref, a.debtor_id, p.amount_minor, p.currency, p.paid_at,
  p.source, p.method, p.reference, p.balance_after_minor, p.surplus_minor, p.created_at`;

/** Thrown inside the transaction to roll it back when another writer took the external id first. */
class ExternalIdTaken extends Error {}

/** A pool or a client in a transaction. */
type Queryable = Pick<pg.ClientBase, 'query'>;

/** Loads a stored payment and everything it did, from the rows it left. */
async function loadRecorded(
  client: Queryable,
  where: { readonly id: string } | { readonly externalId: string },
): Promise<RecordedPayment | undefined> {
  const found = await client.query<PaymentRow>(
    `SELECT ${paymentColumns} FROM payments p JOIN accounts a ON a.id = p.account_id
      WHERE ${'id' in where ? 'p.id = $1' : 'p.external_id = $1'}`,
    ['id' in where ? where.id : where.externalId],
  );
  const row = found.rows[0];
  if (row === undefined) return undefined;
  // One query at a time: a client in a transaction runs them in order anyway.
  const allocations = await client.query<{ plan_id: string; seq: number; amount_minor: number }>(
    `SELECT plan_id, seq, amount_minor FROM payment_allocations WHERE payment_id = $1 ORDER BY plan_id, seq`,
    [row.id],
  );
  const promises = await client.query<{ id: string }>(
    `SELECT id FROM promises WHERE kept_by_payment_id = $1 ORDER BY created_at, id`,
    [row.id],
  );
  const plans = await client.query<{ id: string }>(
    `SELECT id FROM plans WHERE completed_by_payment_id = $1`,
    [row.id],
  );
  const claims = await client.query<{ id: string }>(
    `SELECT id FROM payment_claims WHERE confirmed_by_payment_id = $1 ORDER BY created_at, id`,
    [row.id],
  );
  const currency = row.currency as CurrencyCode;
  const amount = money(row.amount_minor, currency);
  return {
    id: row.id,
    externalId: row.external_id,
    accountId: row.account_id as AccountId,
    accountRef: row.account_ref,
    debtorId: row.debtor_id as DebtorId,
    amount,
    paidAt: row.paid_at,
    source: row.source,
    method: row.method ?? undefined,
    reference: row.reference ?? undefined,
    applied: money(row.amount_minor - row.surplus_minor, currency),
    surplus: money(row.surplus_minor, currency),
    balanceAfter:
      row.balance_after_minor === null ? undefined : money(row.balance_after_minor, currency),
    allocations: allocations.rows.map((a) => ({
      planId: a.plan_id,
      seq: a.seq,
      amount: minor(a.amount_minor),
    })),
    completedPlanId: plans.rows[0]?.id,
    keptPromiseIds: promises.rows.map((p) => p.id),
    confirmedClaimIds: claims.rows.map((c) => c.id),
    createdAt: row.created_at,
  };
}

/** The fields of a stored payment that differ from an instruction with the same external id. */
function differencesFrom(
  existing: RecordedPayment,
  instruction: PaymentInstruction,
  paidAt: Date | undefined,
): string[] {
  const differences: string[] = [];
  if (existing.accountRef !== instruction.accountRef) differences.push('account_ref');
  if (existing.amount.amount !== instruction.amount.amount) differences.push('amount');
  if (existing.amount.currency !== instruction.amount.currency) differences.push('currency');
  if (paidAt === undefined || existing.paidAt.getTime() !== paidAt.getTime())
    differences.push('paid_at');
  return differences;
}

function replayOrConflict(
  existing: RecordedPayment,
  instruction: PaymentInstruction,
  paidAt: Date | undefined,
): RecordPaymentOutcome {
  const differences = differencesFrom(existing, instruction, paidAt);
  if (differences.length === 0) return { ok: true, status: 'replayed', payment: existing };
  return {
    ok: false,
    reason: 'conflict',
    message: `external id ${instruction.externalId} is already a payment with another ${differences.join(', ')}`,
    differences,
  };
}

/** Loads the account's state for the rules; the account row is already locked. */
async function loadState(
  client: pg.ClientBase,
  account: AccountRow,
  paidAt: Date,
): Promise<PaymentAccountState> {
  const currency = account.currency as CurrencyCode;
  const timeZone = account.time_zone;
  const plan = await client.query<{
    id: string;
    seq: number;
    amount_minor: number;
    paid_minor: number;
  }>(
    `SELECT p.id, i.seq, i.amount_minor, i.paid_minor
         FROM plans p JOIN installments i ON i.plan_id = p.id
        WHERE p.id = (SELECT id FROM plans WHERE account_id = $1 AND status = 'active'
                       ORDER BY created_at DESC, id LIMIT 1)
        ORDER BY i.seq
          FOR UPDATE OF i`,
    [account.id],
  );
  const promises = await client.query<{
    id: string;
    amount_minor: number;
    currency: string;
    due_date: string;
    created_at: Date;
  }>(
    `SELECT id, amount_minor, currency, due_date, created_at FROM promises
        WHERE account_id = $1 AND status = 'pending' ORDER BY created_at, id FOR UPDATE`,
    [account.id],
  );
  const firstPlanRow = plan.rows[0];
  const planToPay: PlanToPay | undefined =
    firstPlanRow === undefined
      ? undefined
      : {
          id: firstPlanRow.id,
          installments: plan.rows.map((i) => ({
            seq: i.seq,
            amount: minor(i.amount_minor),
            paid: minor(i.paid_minor),
          })),
        };
  const terms: PromiseTerms[] = promises.rows.map((p) => ({
    id: p.id,
    amount: money(p.amount_minor, p.currency as CurrencyCode),
    dueDate: p.due_date as LocalDate,
    createdOn: paidOn(p.created_at, timeZone),
  }));
  const oldest = promises.rows[0]?.created_at;
  const earlierPayments =
    oldest === undefined ? [] : await datedPayments(client, account.id, oldest, timeZone);
  return {
    accountId: account.id as AccountId,
    accountRef: account.account_ref,
    debtorId: account.debtor_id as DebtorId,
    timeZone,
    status: account.status,
    balance: money(account.balance_minor, currency),
    plan: planToPay,
    promises: terms,
    earlierPayments,
    paidAt,
    paidOn: paidOn(paidAt, timeZone),
  };
}

/**
 * Payments from the start of the debtor's calendar day of `since` (a day early, to be safe about
 * zones; the promise rules drop what falls before the promise's day).
 */
async function datedPayments(
  client: Queryable,
  accountId: string,
  since: Date,
  timeZone: string,
): Promise<DatedPayment[]> {
  const rows = await client.query<{ amount_minor: number; currency: string; paid_at: Date }>(
    `SELECT amount_minor, currency, paid_at FROM payments
      WHERE account_id = $1 AND paid_at >= $2::timestamptz - interval '1 day'
      ORDER BY paid_at, id`,
    [accountId, since],
  );
  return rows.rows.map((p) => ({
    amount: money(p.amount_minor, p.currency as CurrencyCode),
    paidOn: paidOn(p.paid_at, timeZone),
  }));
}

/**
 * Writes what the rules decided and returns the payment's id; the account row is locked and the
 * payment is not stored yet.
 */
async function write(
  client: pg.ClientBase,
  state: PaymentAccountState,
  instruction: PaymentInstruction,
  application: PaymentApplication,
  context: { readonly source: string; readonly at: Date },
): Promise<string> {
  const { at, source } = context;
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO payments (account_id, external_id, amount_minor, currency, paid_at, source, method, reference,
                           balance_after_minor, surplus_minor, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (external_id) DO NOTHING RETURNING id`,
    [
      state.accountId,
      instruction.externalId,
      instruction.amount.amount,
      instruction.amount.currency,
      state.paidAt,
      source,
      instruction.method ?? null,
      instruction.reference ?? null,
      application.balanceAfter.amount,
      application.surplus.amount,
      at,
    ],
  );
  const paymentId = inserted.rows[0]?.id;
  if (paymentId === undefined) throw new ExternalIdTaken();

  await client.query(
    `UPDATE accounts
        SET balance_minor = $2::bigint,
            status = CASE WHEN $2::bigint = 0 AND status IN ('active', 'disputed') THEN 'paid' ELSE status END,
            updated_at = $3
      WHERE id = $1`,
    [state.accountId, application.balanceAfter.amount, at],
  );

  const { allocations } = application;
  if (allocations.length > 0) {
    const planIds = allocations.map((a) => a.planId);
    const seqs = allocations.map((a) => a.seq);
    const amounts = allocations.map((a) => a.amount);
    await client.query(
      `INSERT INTO payment_allocations (payment_id, plan_id, seq, amount_minor)
       SELECT $1, s.plan_id, s.seq, s.amount FROM unnest($2::uuid[], $3::int[], $4::bigint[]) AS s(plan_id, seq, amount)`,
      [paymentId, planIds, seqs, amounts],
    );
    await client.query(
      `UPDATE installments i SET paid_minor = i.paid_minor + s.amount
         FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS s(plan_id, seq, amount)
        WHERE i.plan_id = s.plan_id AND i.seq = s.seq`,
      [planIds, seqs, amounts],
    );
  }
  if (application.completedPlanId !== undefined) {
    await client.query(
      `UPDATE plans SET status = 'completed', completed_by_payment_id = $2 WHERE id = $1 AND status = 'active'`,
      [application.completedPlanId, paymentId],
    );
  }
  if (application.keptPromiseIds.length > 0) {
    await client.query(
      `UPDATE promises SET status = 'kept', resolved_at = $2, kept_by_payment_id = $3
        WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [application.keptPromiseIds, at, paymentId],
    );
  }
  // A "ya pagué" claim is confirmed only once the account is settled: a partial payment may or
  // may not be the one the debtor meant, so those claims stay open for a person to match.
  const confirmed = application.isSettled
    ? await client.query<{ id: string }>(
        `UPDATE payment_claims SET status = 'confirmed', confirmed_by_payment_id = $2
          WHERE account_id = $1 AND status = 'open' RETURNING id`,
        [state.accountId, paymentId],
      )
    : { rows: [] };
  const confirmedClaimIds = confirmed.rows.map((c) => c.id);

  const currency = application.balanceBefore.currency;
  const audit: { action: string; entityType: string; entityId: string; data: unknown }[] = [
    {
      action: 'payment_applied',
      entityType: 'payment',
      entityId: paymentId,
      data: {
        externalId: instruction.externalId,
        accountRef: state.accountRef,
        currency,
        amount: instruction.amount.amount,
        applied: application.applied.amount,
        surplus: application.surplus.amount,
        paidAt: state.paidAt.toISOString(),
        allocations: allocations.map((a) => ({ planId: a.planId, seq: a.seq, amount: a.amount })),
      },
    },
    {
      action: 'balance_changed',
      entityType: 'account',
      entityId: state.accountId,
      data: {
        from: application.balanceBefore.amount,
        to: application.balanceAfter.amount,
        currency,
        paymentId,
      },
    },
    ...(application.completedPlanId === undefined
      ? []
      : [
          {
            action: 'plan_completed',
            entityType: 'plan',
            entityId: application.completedPlanId,
            data: { paymentId },
          },
        ]),
    ...application.keptPromiseIds.map((id) => ({
      action: 'promise_kept',
      entityType: 'promise',
      entityId: id,
      data: { paymentId },
    })),
    ...confirmedClaimIds.map((id) => ({
      action: 'payment_claim_confirmed',
      entityType: 'payment_claim',
      entityId: id,
      data: { paymentId },
    })),
  ];
  await client.query(
    `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, data)
     SELECT $1, $2, s.action, s.entity_type, s.entity_id, s.data
       FROM unnest($3::text[], $4::text[], $5::text[], $6::jsonb[]) AS s(action, entity_type, entity_id, data)`,
    [
      at,
      source,
      audit.map((a) => a.action),
      audit.map((a) => a.entityType),
      audit.map((a) => a.entityId),
      audit.map((a) => JSON.stringify(a.data)),
    ],
  );
  return paymentId;
}

/** The PostgreSQL (and PGlite) payment store. */
export function createPaymentStore(db: Database): PaymentStore {
  const { pool } = db;

  const recordOnce = (
    instruction: PaymentInstruction,
    context: { readonly source: string; readonly at: Date },
    decide: (state: PaymentAccountState) => PaymentDecision,
  ): Promise<RecordPaymentOutcome> =>
    withTransaction(pool, async (client): Promise<RecordPaymentOutcome> => {
      const locked = await client.query<AccountRow>(
        `SELECT a.id, a.account_ref, a.debtor_id, a.currency, a.balance_minor, a.status, d.time_zone
           FROM accounts a JOIN debtors d ON d.id = a.debtor_id
          WHERE a.account_ref = $1
            FOR UPDATE OF a`,
        [instruction.accountRef],
      );
      const account = locked.rows[0];
      const paidAt =
        account === undefined ? undefined : paidAtInstant(instruction.paidAt, account.time_zone);
      // Under the account lock, a concurrent apply of the same payment has committed by now.
      const existing = await loadRecorded(client, { externalId: instruction.externalId });
      if (existing !== undefined) return replayOrConflict(existing, instruction, paidAt);
      if (account === undefined || paidAt === undefined)
        return {
          ok: false,
          reason: 'unknown-account',
          message: `no account ${instruction.accountRef}`,
        };
      if (account.currency !== instruction.amount.currency)
        return {
          ok: false,
          reason: 'currency-mismatch',
          message: `account ${account.account_ref} is in ${account.currency}, the payment in ${instruction.amount.currency}`,
          accountCurrency: account.currency as CurrencyCode,
        };
      const state = await loadState(client, account, paidAt);
      const decision = decide(state);
      if (!decision.ok) return decision;
      const paymentId = await write(client, state, instruction, decision.application, context);
      // Read back from the rows just written: a replay builds its answer the same way.
      const payment = await loadRecorded(client, { id: paymentId });
      if (payment === undefined)
        throw new AppError('internal', `payment ${paymentId} vanished in its transaction`);
      return { ok: true, status: 'applied', payment };
    });

  return {
    async record(instruction, context, decide) {
      try {
        return await recordOnce(instruction, context, decide);
      } catch (err) {
        if (!(err instanceof ExternalIdTaken)) throw err;
        // Another account's payment took this external id while we decided: nothing of ours
        // was written; answer from the stored one.
        const existing = await loadRecorded(pool, { externalId: instruction.externalId });
        if (existing === undefined) throw err;
        const account = await pool.query<{ time_zone: string }>(
          `SELECT d.time_zone FROM accounts a JOIN debtors d ON d.id = a.debtor_id WHERE a.account_ref = $1`,
          [instruction.accountRef],
        );
        const timeZone = account.rows[0]?.time_zone;
        return replayOrConflict(
          existing,
          instruction,
          timeZone === undefined ? undefined : paidAtInstant(instruction.paidAt, timeZone),
        );
      }
    },

    findByExternalId: (externalId) => loadRecorded(pool, { externalId }),

    async datedPaymentsOf(accountId, since) {
      const zone = await pool.query<{ time_zone: string }>(
        `SELECT d.time_zone FROM accounts a JOIN debtors d ON d.id = a.debtor_id WHERE a.id = $1`,
        [accountId],
      );
      const timeZone = zone.rows[0]?.time_zone;
      if (timeZone === undefined) return [];
      return datedPayments(pool, accountId, since, timeZone);
    },
  };
}
