import type pg from 'pg';
import type { Provider } from '../../domain/messaging/message.js';
import type { Inbox, RawInboundEvent } from '../../ports/channel.js';
import type { ClaimedEvent, InboundEventStore } from '../../ports/inbound-events.js';

interface PendingStore {
  readonly events: readonly RawInboundEvent[];
  readonly resolve: (result: { stored: number; duplicates: number }) => void;
  readonly reject: (err: unknown) => void;
}

/** INSERTs in flight at once; webhooks arriving meanwhile wait and share the next one. */
const maxInFlight = 2;
const maxBatch = 500;

/**
 * Raw provider events in `inbound_events`. `store` is durable when it resolves, so a webhook can
 * answer 200 right after; (provider, event_id) makes redeliveries no-ops. Under load, webhooks
 * that arrive while earlier INSERTs are in flight are written together in the next one (one
 * statement and one commit for many), so each still resolves only once its own rows committed.
 */
export class PostgresInbox implements Inbox, InboundEventStore {
  private readonly waiting: PendingStore[] = [];
  private inFlight = 0;

  constructor(private readonly pool: pg.Pool) {}

  store(events: readonly RawInboundEvent[]): Promise<{ stored: number; duplicates: number }> {
    if (events.length === 0) return Promise.resolve({ stored: 0, duplicates: 0 });
    return new Promise((resolve, reject) => {
      this.waiting.push({ events, resolve, reject });
      if (this.inFlight < maxInFlight) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch: PendingStore[] = [];
    for (let rows = 0; this.waiting.length > 0 && rows < maxBatch;) {
      const next = this.waiting.shift()!;
      batch.push(next);
      rows += next.events.length;
    }
    if (batch.length === 0) return;
    this.inFlight += 1;
    try {
      const events = batch.flatMap((p) => p.events);
      const { rows } = await this.pool.query<{ provider: Provider; event_id: string }>(
        `INSERT INTO inbound_events (provider, event_id, payload, received_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[])
         ON CONFLICT (provider, event_id) DO NOTHING
         RETURNING provider, event_id`,
        [
          events.map((e) => e.provider),
          events.map((e) => e.eventId),
          events.map((e) => JSON.stringify(e.payload)),
          events.map((e) => e.receivedAt),
        ],
      );
      // A new row counts for the first event that named it; a second copy is a duplicate.
      const inserted = new Set(rows.map((r) => `${r.provider} ${r.event_id}`));
      for (const pending of batch) {
        let stored = 0;
        for (const e of pending.events) {
          if (inserted.delete(`${e.provider} ${e.eventId}`)) stored += 1;
        }
        pending.resolve({ stored, duplicates: pending.events.length - stored });
      }
    } catch (err) {
      for (const pending of batch) pending.reject(err);
    } finally {
      this.inFlight -= 1;
      if (this.waiting.length > 0) void this.flush();
    }
  }

  async claim(limit: number, now: Date, staleAfterMs: number): Promise<ClaimedEvent[]> {
    const { rows } = await this.pool.query<{
      id: string;
      provider: Provider;
      event_id: string;
      payload: unknown;
      attempts: number;
    }>(
      `UPDATE inbound_events e
          SET status = 'processing', claimed_at = $1, attempts = e.attempts + 1
        WHERE e.id IN (
              SELECT id FROM inbound_events
               WHERE status = 'pending' OR (status = 'processing' AND claimed_at < $2)
               ORDER BY id
               LIMIT $3
               FOR UPDATE SKIP LOCKED)
        RETURNING e.id::text AS id, e.provider, e.event_id, e.payload, e.attempts`,
      [now, new Date(now.getTime() - staleAfterMs), limit],
    );
    return rows
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((r) => ({
        id: r.id,
        provider: r.provider,
        eventId: r.event_id,
        payload: r.payload,
        attempts: r.attempts,
      }));
  }

  async processed(ids: readonly string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query(
      `UPDATE inbound_events SET status = 'processed', processed_at = $2, error = NULL WHERE id = ANY($1::bigint[])`,
      [ids, at],
    );
  }

  async failed(id: string, error: string, at: Date, isFinal: boolean): Promise<void> {
    await this.pool.query(
      `UPDATE inbound_events SET status = $2, error = $3, processed_at = CASE WHEN $2 = 'failed' THEN $4 ELSE NULL END WHERE id = $1`,
      [id, isFinal ? 'failed' : 'pending', error.slice(0, 2000), at],
    );
  }

  async purgeProcessed(before: Date): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM inbound_events WHERE status = 'processed' AND processed_at < $1`,
      [before],
    );
    return rowCount ?? 0;
  }
}
