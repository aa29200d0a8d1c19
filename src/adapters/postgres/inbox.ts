import type pg from 'pg';
import type { Provider } from '../../domain/messaging/message.js';
import type { Inbox, RawInboundEvent } from '../../ports/channel.js';
import type { ClaimedEvent, InboundEventStore } from '../../ports/inbound-events.js';

/**
 * Raw provider events in `inbound_events`. `store` is one INSERT, durable when it resolves, so a
 * webhook can answer 200 right after; (provider, event_id) makes redeliveries no-ops.
 */
export class PostgresInbox implements Inbox, InboundEventStore {
  constructor(private readonly pool: pg.Pool) {}

  async store(events: readonly RawInboundEvent[]): Promise<{ stored: number; duplicates: number }> {
    if (events.length === 0) return { stored: 0, duplicates: 0 };
    const { rowCount } = await this.pool.query(
      `INSERT INTO inbound_events (provider, event_id, payload, received_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[])
       ON CONFLICT (provider, event_id) DO NOTHING`,
      [
        events.map((e) => e.provider),
        events.map((e) => e.eventId),
        events.map((e) => JSON.stringify(e.payload)),
        events.map((e) => e.receivedAt),
      ],
    );
    const stored = rowCount ?? 0;
    return { stored, duplicates: events.length - stored };
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
