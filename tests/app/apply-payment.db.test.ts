import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPaymentStore } from '../../src/adapters/postgres/payment-store.js';
import { applyPayment, type ApplyPaymentDeps } from '../../src/app/apply-payment.js';
import { fixedClock } from '../../src/ports/clock.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import {
  instruction,
  paymentFootprint,
  seedAccount,
  seedClaim,
  seedPlan,
  seedPromise,
} from '../support/payments.js';

const now = new Date('2026-03-12T15:00:00Z'); // 10:00 in Bogotá
let db: TestDatabase;
let deps: ApplyPaymentDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  deps = { store: createPaymentStore(db), clock: fixedClock(now), graceDays: 1 };
});

afterAll(async () => {
  await db.close();
});

async function one<T extends Record<string, unknown>>(sql: string, params: unknown[]): Promise<T> {
  const result = await db.pool.query<T>(sql, params);
  return result.rows[0]!;
}

describe(`applyPayment on ${process.env.TEST_DATABASE_URL ? 'postgresql' : 'pglite'}`, () => {
  it('lowers the balance, pays installments in order, keeps the promise and audits it all', async () => {
    const { accountId } = await seedAccount(db.pool, { ref: 'A-PLAN', balance: 300_000_00 });
    const planId = await seedPlan(db.pool, accountId, [100_000_00, 100_000_00, 100_000_00], {
      paid: [40_000_00],
    });
    const promiseId = await seedPromise(
      db.pool,
      accountId,
      100_000_00,
      '2026-03-10',
      '2026-03-05T20:00:00Z',
    );
    const claimId = await seedClaim(db.pool, accountId);

    // 2026-03-12T03:30Z is still the 11th in Bogotá: inside the promise's day of grace.
    const outcome = await applyPayment(
      deps,
      instruction('PAY-1', 'A-PLAN', 100_000_00, '2026-03-12T03:30:00Z'),
      'api',
    );
    expect(outcome).toMatchObject({
      ok: true,
      status: 'applied',
      payment: {
        externalId: 'PAY-1',
        accountRef: 'A-PLAN',
        applied: { amount: 100_000_00 },
        surplus: { amount: 0 },
        balanceAfter: { amount: 200_000_00, currency: 'COP' },
        allocations: [
          { planId, seq: 1, amount: 60_000_00 },
          { planId, seq: 2, amount: 40_000_00 },
        ],
        completedPlanId: undefined,
        keptPromiseIds: [promiseId],
        confirmedClaimIds: [],
        source: 'api',
      },
    });
    if (!outcome.ok) throw new Error('not applied');
    const paymentId = outcome.payment.id;

    expect(
      await one('SELECT balance_minor, status FROM accounts WHERE id = $1', [accountId]),
    ).toEqual({
      balance_minor: 200_000_00,
      status: 'active',
    });
    const installments = await db.pool.query(
      'SELECT seq, paid_minor FROM installments WHERE plan_id = $1 ORDER BY seq',
      [planId],
    );
    expect(installments.rows).toEqual([
      { seq: 1, paid_minor: 100_000_00 },
      { seq: 2, paid_minor: 40_000_00 },
      { seq: 3, paid_minor: 0 },
    ]);
    expect(
      await one('SELECT status, resolved_at, kept_by_payment_id FROM promises WHERE id = $1', [
        promiseId,
      ]),
    ).toEqual({
      status: 'kept',
      resolved_at: now,
      kept_by_payment_id: paymentId,
    });
    expect(await one('SELECT status FROM payment_claims WHERE id = $1', [claimId])).toEqual({
      status: 'open',
    });
    expect(
      await one(
        'SELECT paid_at, balance_after_minor, surplus_minor, thanked_at FROM payments WHERE id = $1',
        [paymentId],
      ),
    ).toEqual({
      paid_at: new Date('2026-03-12T03:30:00Z'),
      balance_after_minor: 200_000_00,
      surplus_minor: 0,
      thanked_at: null,
    });
    const audit = await db.pool.query<{
      actor: string;
      action: string;
      entity_id: string;
      data: Record<string, unknown>;
    }>(
      `SELECT actor, action, entity_id, data FROM audit_log WHERE data->>'paymentId' = $1 OR entity_id = $1 ORDER BY id`,
      [paymentId],
    );
    expect(audit.rows.map((r) => [r.actor, r.action, r.entity_id])).toEqual([
      ['api', 'payment_applied', paymentId],
      ['api', 'balance_changed', accountId],
      ['api', 'promise_kept', promiseId],
    ]);
    expect(audit.rows[1]!.data).toEqual({
      from: 300_000_00,
      to: 200_000_00,
      currency: 'COP',
      paymentId,
    });
  });

  it('settles the account: status paid, surplus kept, plan completed, open claims confirmed', async () => {
    const { accountId } = await seedAccount(db.pool, { ref: 'A-SETTLE', balance: 50_000_00 });
    const planId = await seedPlan(db.pool, accountId, [30_000_00, 30_000_00]);
    const claimId = await seedClaim(db.pool, accountId);
    const outcome = await applyPayment(
      deps,
      instruction('PAY-SETTLE', 'A-SETTLE', 80_000_00, '2026-03-11'),
      'csv-import',
    );
    expect(outcome).toMatchObject({
      ok: true,
      status: 'applied',
      payment: {
        applied: { amount: 50_000_00 },
        surplus: { amount: 30_000_00 },
        balanceAfter: { amount: 0 },
        allocations: [
          { planId, seq: 1, amount: 30_000_00 },
          { planId, seq: 2, amount: 20_000_00 },
        ],
        completedPlanId: planId,
        confirmedClaimIds: [claimId],
        // A date alone is midday of that day in the debtor's zone.
        paidAt: new Date('2026-03-11T17:00:00Z'),
      },
    });
    expect(
      await one('SELECT balance_minor, status FROM accounts WHERE id = $1', [accountId]),
    ).toEqual({
      balance_minor: 0,
      status: 'paid',
    });
    expect(await one('SELECT status FROM plans WHERE id = $1', [planId])).toEqual({
      status: 'completed',
    });
    expect(await one('SELECT status FROM payment_claims WHERE id = $1', [claimId])).toEqual({
      status: 'confirmed',
    });
  });

  it('replays the same payment with the same result and changes nothing', async () => {
    await seedAccount(db.pool, { ref: 'A-REPLAY', balance: 100_000_00 });
    const given = instruction('PAY-REPLAY', 'A-REPLAY', 25_000_00, '2026-03-11');
    const first = await applyPayment(deps, given, 'api');
    const before = await paymentFootprint(db.pool);
    const again = await applyPayment(deps, given, 'csv-import');
    expect(again).toEqual({ ...first, status: 'replayed' });
    expect(await paymentFootprint(db.pool)).toEqual(before);
    expect(await deps.store.findByExternalId('PAY-REPLAY')).toEqual(
      first.ok ? first.payment : undefined,
    );
  });

  it('refuses an external id reused with other content, an unknown account, another currency and a future date', async () => {
    await seedAccount(db.pool, { ref: 'A-REFUSE', balance: 100_000_00 });
    await seedAccount(db.pool, { ref: 'A-OTHER', balance: 100_000_00 });
    await applyPayment(deps, instruction('PAY-TAKEN', 'A-REFUSE', 10_000_00, '2026-03-11'), 'api');
    const before = await paymentFootprint(db.pool);

    expect(
      await applyPayment(
        deps,
        instruction('PAY-TAKEN', 'A-REFUSE', 10_000_01, '2026-03-11'),
        'api',
      ),
    ).toMatchObject({
      ok: false,
      reason: 'conflict',
      differences: ['amount'],
    });
    expect(
      await applyPayment(deps, instruction('PAY-TAKEN', 'A-OTHER', 10_000_00, '2026-03-10'), 'api'),
    ).toMatchObject({
      ok: false,
      reason: 'conflict',
      differences: ['account_ref', 'paid_at'],
    });
    expect(
      await applyPayment(
        deps,
        instruction('PAY-TAKEN', 'A-REFUSE', 10_000_00, '2026-03-11', 'USD'),
        'api',
      ),
    ).toMatchObject({
      ok: false,
      reason: 'conflict',
      differences: ['currency'],
    });
    expect(
      await applyPayment(deps, instruction('PAY-NEW', 'A-NOWHERE', 10_000_00, '2026-03-11'), 'api'),
    ).toMatchObject({
      ok: false,
      reason: 'unknown-account',
    });
    expect(
      await applyPayment(
        deps,
        instruction('PAY-NEW', 'A-REFUSE', 10_000_00, '2026-03-11', 'USD'),
        'api',
      ),
    ).toMatchObject({
      ok: false,
      reason: 'currency-mismatch',
      accountCurrency: 'COP',
    });
    // Today in Bogotá is the 12th: the 13th has not happened yet, nor has an instant an hour from now.
    expect(
      await applyPayment(deps, instruction('PAY-NEW', 'A-REFUSE', 10_000_00, '2026-03-13'), 'api'),
    ).toMatchObject({
      ok: false,
      reason: 'paid-in-future',
    });
    expect(
      await applyPayment(
        deps,
        instruction('PAY-NEW', 'A-REFUSE', 10_000_00, '2026-03-12T16:00:00Z'),
        'api',
      ),
    ).toMatchObject({
      ok: false,
      reason: 'paid-in-future',
    });
    expect(await paymentFootprint(db.pool)).toEqual(before);
    expect(
      (await applyPayment(deps, instruction('PAY-NEW', 'A-REFUSE', 10_000_00, '2026-03-12'), 'api'))
        .ok,
    ).toBe(true);
  });

  it('does not keep a promise with payments made before it or after its grace day', async () => {
    const { accountId } = await seedAccount(db.pool, { ref: 'A-WINDOW', balance: 500_000_00 });
    // The payment of the 1st predates the promise (made on the 3rd, Bogotá time).
    await applyPayment(deps, instruction('PAY-W1', 'A-WINDOW', 60_000_00, '2026-03-01'), 'api');
    const promiseId = await seedPromise(
      db.pool,
      accountId,
      100_000_00,
      '2026-03-09',
      '2026-03-03T14:00:00Z',
    );
    const partial = await applyPayment(
      deps,
      instruction('PAY-W2', 'A-WINDOW', 60_000_00, '2026-03-08'),
      'api',
    );
    expect(partial).toMatchObject({ ok: true, payment: { keptPromiseIds: [] } });
    // The 11th is past the 9th plus one day of grace.
    const late = await applyPayment(
      deps,
      instruction('PAY-W3', 'A-WINDOW', 60_000_00, '2026-03-11'),
      'api',
    );
    expect(late).toMatchObject({ ok: true, payment: { keptPromiseIds: [] } });
    expect(await one('SELECT status FROM promises WHERE id = $1', [promiseId])).toEqual({
      status: 'pending',
    });
    // A late-recorded payment dated in the window completes it.
    const inWindow = await applyPayment(
      deps,
      instruction('PAY-W4', 'A-WINDOW', 40_000_00, '2026-03-10'),
      'api',
    );
    expect(inWindow).toMatchObject({ ok: true, payment: { keptPromiseIds: [promiseId] } });
    expect(
      await deps.store.datedPaymentsOf(
        inWindow.ok ? inWindow.payment.accountId : ('' as never),
        new Date('2026-03-03T14:00:00Z'),
      ),
    ).toEqual([
      { amount: { amount: 60_000_00, currency: 'COP' }, paidOn: '2026-03-08' },
      { amount: { amount: 40_000_00, currency: 'COP' }, paidOn: '2026-03-10' },
      { amount: { amount: 60_000_00, currency: 'COP' }, paidOn: '2026-03-11' },
    ]);
  });

  it('applies two concurrent posts of one external id once', async () => {
    await seedAccount(db.pool, { ref: 'A-RACE', balance: 100_000_00 });
    const given = instruction('PAY-RACE', 'A-RACE', 30_000_00, '2026-03-11');
    const outcomes = await Promise.all([
      applyPayment(deps, given, 'api'),
      applyPayment(deps, given, 'api'),
      applyPayment(deps, given, 'api'),
    ]);
    expect(outcomes.map((o) => (o.ok ? o.status : o.reason)).sort()).toEqual([
      'applied',
      'replayed',
      'replayed',
    ]);
    expect(
      await one('SELECT balance_minor FROM accounts WHERE account_ref = $1', ['A-RACE']),
    ).toEqual({
      balance_minor: 70_000_00,
    });
    expect(
      await one(`SELECT count(*)::int AS n FROM payments WHERE external_id = 'PAY-RACE'`, []),
    ).toEqual({ n: 1 });
  });

  it('gives a raced external id to one account only', async () => {
    await seedAccount(db.pool, { ref: 'A-RACE-1', balance: 100_000_00 });
    await seedAccount(db.pool, { ref: 'A-RACE-2', balance: 100_000_00 });
    const outcomes = await Promise.all([
      applyPayment(deps, instruction('PAY-RACE-X', 'A-RACE-1', 30_000_00, '2026-03-11'), 'api'),
      applyPayment(deps, instruction('PAY-RACE-X', 'A-RACE-2', 30_000_00, '2026-03-11'), 'api'),
    ]);
    expect(outcomes.map((o) => (o.ok ? o.status : o.reason)).sort()).toEqual([
      'applied',
      'conflict',
    ]);
    const balances = await db.pool.query(
      `SELECT balance_minor FROM accounts WHERE account_ref IN ('A-RACE-1', 'A-RACE-2') ORDER BY balance_minor`,
    );
    expect(balances.rows).toEqual([{ balance_minor: 70_000_00 }, { balance_minor: 100_000_00 }]);
  });

  // Needs a second connection: PGlite has one, where transactions cannot overlap at all.
  (process.env.TEST_DATABASE_URL ? it : it.skip)(
    'answers from the stored payment when another writer takes the external id mid-transaction',
    async () => {
      const { accountId } = await seedAccount(db.pool, { ref: 'A-HELD-1', balance: 100_000_00 });
      await seedAccount(db.pool, { ref: 'A-HELD-2', balance: 100_000_00 });
      const holder = await db.pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(
          `INSERT INTO payments (account_id, external_id, amount_minor, currency, paid_at, source, balance_after_minor)
           VALUES ($1, 'PAY-HELD', $2, 'COP', '2026-03-11T17:00:00Z', 'api', $3)`,
          [accountId, 30_000_00, 70_000_00],
        );
        const racing = applyPayment(
          deps,
          instruction('PAY-HELD', 'A-HELD-2', 30_000_00, '2026-03-11'),
          'api',
        );
        // Wait until the racing insert is blocked on the held row's unique key.
        for (;;) {
          const waiting = await db.pool.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO payments%'`,
          );
          if (waiting.rowCount !== 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await holder.query('COMMIT');
        expect(await racing).toMatchObject({
          ok: false,
          reason: 'conflict',
          differences: ['account_ref'],
        });
        expect(
          await one('SELECT balance_minor FROM accounts WHERE account_ref = $1', ['A-HELD-2']),
        ).toEqual({
          balance_minor: 100_000_00,
        });
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        holder.release();
      }
    },
    30_000,
  );

  it('refuses allocations beyond what a payment applied (a database check)', async () => {
    const { accountId } = await seedAccount(db.pool, { ref: 'A-CHECK', balance: 100_000_00 });
    const planId = await seedPlan(db.pool, accountId, [100_000_00]);
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const payment = await client.query<{ id: string }>(
        `INSERT INTO payments (account_id, external_id, amount_minor, currency, paid_at, source, surplus_minor)
         VALUES ($1, 'PAY-CHECK', 10, 'COP', now(), 'test', 5) RETURNING id`,
        [accountId],
      );
      await client.query(
        `INSERT INTO payment_allocations (payment_id, plan_id, seq, amount_minor) VALUES ($1, $2, 1, 6)`,
        [payment.rows[0]!.id, planId],
      );
      await expect(client.query('COMMIT')).rejects.toThrow(
        /allocates 6 to installments; it applied only 5/,
      );
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  });
});
