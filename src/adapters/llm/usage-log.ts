/**
 * Writes each model call to `llm_usage` (tokens, estimated cost, latency, prompt, outcome)
 * behind the turn: writes queue in order and never block the turn's transaction, and `flush`
 * waits for them on shutdown. Reads today's counts on start to seed the caps.
 */
import type pg from 'pg';
import type { LlmUsage } from '../../ports/language-model.js';
import type { UsageSeed, UsageSink } from './guard.js';

export class PostgresLlmUsageLog implements UsageSink {
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: (err: unknown) => void,
  ) {}

  write(usage: LlmUsage): void {
    this.pending = this.pending.then(async () => {
      try {
        await this.pool.query(
          `INSERT INTO llm_usage (conversation_id, at, purpose, prompt_id, prompt_version, model, status,
             input_tokens, output_tokens, cost_micro_usd, latency_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            usage.conversationId ?? null,
            usage.at,
            usage.purpose,
            usage.promptId ?? null,
            usage.promptVersion ?? null,
            usage.model ?? null,
            usage.status,
            usage.inputTokens,
            usage.outputTokens,
            usage.costMicroUsd,
            usage.latencyMs,
          ],
        );
      } catch (err) {
        this.onError(err);
      }
    });
  }

  /** Resolves once every queued write has finished. */
  flush(): Promise<void> {
    return this.pending;
  }

  /** Calls made so far on `now`'s UTC day, in all and per conversation. */
  async seed(now: Date): Promise<UsageSeed> {
    const day = now.toISOString().slice(0, 10);
    const rows = await this.pool.query<{ conversation_id: string | null; calls: string }>(
      `SELECT conversation_id, count(*) AS calls FROM llm_usage
        WHERE at >= $1::date AND at < $1::date + 1 GROUP BY conversation_id`,
      [day],
    );
    const byConversation = new Map<string, number>();
    let total = 0;
    for (const row of rows.rows) {
      total += Number(row.calls);
      if (row.conversation_id !== null) byConversation.set(row.conversation_id, Number(row.calls));
    }
    return { day, total, byConversation };
  }
}
