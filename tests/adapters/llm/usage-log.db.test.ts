import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CapsAndBreakerGuard } from '../../../src/adapters/llm/guard.js';
import { PostgresLlmUsageLog } from '../../../src/adapters/llm/usage-log.js';
import type { LlmUsage } from '../../../src/ports/language-model.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

const usage = (at: string, conversationId?: string): LlmUsage => ({
  conversationId,
  at: new Date(at),
  purpose: 'understand',
  promptId: 'understand',
  promptVersion: 1,
  model: 'stand-in',
  status: 'used',
  inputTokens: 420,
  outputTokens: 13,
  costMicroUsd: 71,
  latencyMs: 40,
});

describe('llm_usage', () => {
  it('records each call behind the turn and seeds the caps after a restart', async () => {
    const errors: unknown[] = [];
    const log = new PostgresLlmUsageLog(db.pool, (err) => errors.push(err));
    const guard = new CapsAndBreakerGuard(
      { perConversation: 2, perDay: 100, breakerFailures: 5, breakerCooldownMs: 1000 },
      log,
    );
    guard.record(usage('2026-11-24T10:00:00Z'), false);
    guard.record(usage('2026-11-24T11:00:00Z'), false);
    guard.record(usage('2026-11-23T11:00:00Z'), false);
    await log.flush();
    expect(errors).toEqual([]);
    const rows = await db.pool.query<{ cost: string; tokens: number }>(
      'SELECT sum(cost_micro_usd) AS cost, sum(input_tokens)::int AS tokens FROM llm_usage',
    );
    expect(rows.rows[0]).toEqual({ cost: '213', tokens: 1260 });

    // A restart seeds today's tally from the table: the cap still holds.
    const seed = await log.seed(new Date('2026-11-24T20:00:00Z'));
    expect(seed.total).toBe(2);
    const restarted = new CapsAndBreakerGuard(
      { perConversation: 2, perDay: 2, breakerFailures: 5, breakerCooldownMs: 1000 },
      log,
      seed,
    );
    expect(restarted.allow('any', new Date('2026-11-24T20:00:00Z'))).toBe('cap');
  });

  it('refuses negative token counts or costs', async () => {
    await expect(
      db.pool.query(
        `INSERT INTO llm_usage (at, purpose, status, input_tokens, output_tokens, cost_micro_usd, latency_ms)
         VALUES (now(), 'understand', 'used', -1, 0, 0, 0)`,
      ),
    ).rejects.toThrow();
  });
});
