/**
 * The scheduler on the real store: agenda with its PostgreSQL backend on our own pool (LISTEN/
 * NOTIFY on PostgreSQL, polling on PGlite) runs each recurring job, keeps one row per recurring
 * job across restarts, and cleans up finished one-time jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startScheduler } from '../../../src/adapters/jobs/scheduler.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { silentLogger } from '../../support/shared.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

/** Resolves once `predicate` holds, polling; fails the test after `ms`. */
async function eventually(predicate: () => boolean, ms = 20_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the scheduler', () => {
  it('runs a recurring job, again after a restart, from one job row', async () => {
    let runs = 0;
    const job = {
      name: 'test.tick',
      everyMs: 1_000,
      run: () => {
        runs += 1;
        return Promise.resolve(runs);
      },
    };
    const first = await startScheduler({
      pool: db.pool,
      kind: db.kind,
      logger: silentLogger,
      jobs: [job],
      processEveryMs: 200,
    });
    await eventually(() => runs >= 1);
    await first.stop();
    const afterFirst = runs;

    const second = await startScheduler({
      pool: db.pool,
      kind: db.kind,
      logger: silentLogger,
      jobs: [job],
      processEveryMs: 200,
    });
    await eventually(() => runs > afterFirst);
    await second.stop();

    const rows = await db.pool.query<{ name: string; n: number }>(
      `SELECT name, count(*)::int AS n FROM agenda_jobs GROUP BY name ORDER BY name`,
    );
    expect(rows.rows).toEqual([
      { name: 'jobs.cleanup', n: 1 },
      { name: 'test.tick', n: 1 },
    ]);
  });

  it('deletes finished one-time jobs older than the retention', async () => {
    await db.pool.query(
      `INSERT INTO agenda_jobs (name, type, priority, next_run_at, last_finished_at, data)
       VALUES ('old.once', 'normal', 0, NULL, now() - interval '30 days', '{}'),
              ('fresh.once', 'normal', 0, NULL, now() - interval '1 hour', '{}')`,
    );
    const scheduler = await startScheduler({
      pool: db.pool,
      kind: db.kind,
      logger: silentLogger,
      jobs: [],
      processEveryMs: 200,
    });
    const names = (await db.pool.query<{ name: string }>(`SELECT name FROM agenda_jobs`)).rows.map(
      (r) => r.name,
    );
    await scheduler.stop();
    expect(names).not.toContain('old.once');
    expect(names).toContain('fresh.once');
  });
});
