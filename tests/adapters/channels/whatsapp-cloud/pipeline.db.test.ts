/**
 * WhatsApp Cloud end to end on the real store: a signed webhook is stored, processed into a
 * turn, its reply goes through the outbox and the dispatcher, and the stand-in Graph API
 * receives exactly the call WhatsApp expects. Status callbacks update the outbox row.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { whatsAppCloudParser } from '../../../../src/adapters/channels/whatsapp-cloud/parse.js';
import { whatsAppCloudSender } from '../../../../src/adapters/channels/whatsapp-cloud/sender.js';
import { whatsAppCloudWebhook } from '../../../../src/adapters/channels/whatsapp-cloud/webhook.js';
import { errorHandler } from '../../../../src/adapters/http/errors.js';
import { PostgresInbox } from '../../../../src/adapters/postgres/inbox.js';
import { PostgresOutbox } from '../../../../src/adapters/postgres/outbox.js';
import { PostgresSenderDirectory } from '../../../../src/adapters/postgres/sender-directory.js';
import { OutboxDispatcher } from '../../../../src/app/dispatch-outbox.js';
import { processInbox, type InboxProcessorDeps } from '../../../../src/app/process-inbox.js';
import type { OutboundContent } from '../../../../src/domain/messaging/message.js';
import { renderWhatsApp } from '../../../../src/domain/messaging/render-whatsapp.js';
import { createTestDatabase, type TestDatabase } from '../../../support/db.js';
import { silentLogger } from '../../../support/shared.js';
import {
  deliverWhatsAppWebhook,
  startMetaGraph,
  type MetaGraphStandIn,
} from '../../../support/stand-ins/meta-graph.js';
import { testConversationDeps } from '../../../support/conversation-deps.js';

const appSecret = 'app-secret-0123456789abcdef';
const token = 'EAAG-test-system-user-token-0123456789';
const phoneNumberId = '106540352242922';
const apiVersion = 'v26.0';
const debtorWaId = '573001234567';
const now = new Date('2026-11-24T15:00:00Z');
const clock = { now: () => new Date(now.getTime()) };

function fixtureText(name: string): string {
  return readFileSync(new URL(`../../../fixtures/whatsapp-cloud/${name}`, import.meta.url), 'utf8');
}

let db: TestDatabase;
let graph: MetaGraphStandIn;
let server: Server;
let webhookUrl: string;
let processor: InboxProcessorDeps;
let dispatcher: OutboxDispatcher;

async function runAll(): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    const inbound = await processInbox(processor);
    const outbound = await dispatcher.dispatchDue();
    const work =
      inbound.processed +
      inbound.failed.length +
      outbound.sent +
      outbound.retried +
      outbound.failed;
    if (work === 0) return;
  }
}

interface OutboxRow {
  id: string;
  status: string;
  recipient: string;
  provider_message_id: string | null;
  content: OutboundContent;
  locale: string;
}

async function outboxRows(): Promise<OutboxRow[]> {
  const { rows } = await db.pool.query<OutboxRow>(
    `SELECT id::text, status, recipient, provider_message_id, content, locale FROM outbox ORDER BY id`,
  );
  return rows;
}

async function count(sql: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(sql);
  return rows[0]?.n ?? 0;
}

/** The Graph API call the sender must have made for an outbox row. */
function expectedCall(row: OutboxRow): Record<string, unknown> {
  const rendered = renderWhatsApp(row.content, row.locale);
  if (!rendered.ok) throw new Error(rendered.reason);
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: row.recipient,
    biz_opaque_callback_data: row.id,
    ...rendered.body,
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  const debtor = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale) VALUES ('D-WA', 'Ana', '10201234', 'CO', 'America/Bogota', 'es-CO') RETURNING id`,
  );
  await db.pool.query(
    `INSERT INTO contact_points (debtor_id, kind, value) VALUES ($1, 'phone', $2)`,
    [debtor.rows[0]!.id, `+${debtorWaId}`],
  );
  await db.pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date) VALUES ('A-WA', $1, 'COP', 125000000, '2026-10-01')`,
    [debtor.rows[0]!.id],
  );

  graph = await startMetaGraph({ token, phoneNumberId, apiVersion });
  const inbox = new PostgresInbox(db.pool);
  const outbox = new PostgresOutbox(db.pool);
  processor = {
    events: inbox,
    parsers: new Map([['whatsapp-cloud', whatsAppCloudParser]]),
    directory: new PostgresSenderDirectory(db.pool),
    outbox,
    conversations: await testConversationDeps(db.pool, clock),
    defaultLocale: 'es-419',
  };
  dispatcher = new OutboxDispatcher({
    outbox,
    senders: new Map([
      [
        'whatsapp-cloud',
        whatsAppCloudSender({
          config: {
            token,
            phoneNumberId,
            apiVersion,
            graphBaseUrl: graph.url,
            sendTimeoutMs: 2000,
          },
          logger: silentLogger,
          clock,
        }),
      ],
    ]),
    limits: { 'whatsapp-cloud': { perSecond: 1000, perRecipientIntervalMs: 0 } },
    clock,
    random: () => 0.5,
  });

  const app = express();
  app.use(
    '/webhooks/whatsapp',
    whatsAppCloudWebhook({
      config: { appSecret, verifyToken: 'verify-token-xyz', maxBodyBytes: 3 * 1024 * 1024 },
      inbox,
      clock,
      logger: silentLogger,
    }),
  );
  app.use(errorHandler(silentLogger));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await graph.close();
  await db.close();
});

describe('WhatsApp Cloud pipeline', () => {
  it('refuses a badly signed delivery with 401 and stores nothing', async () => {
    const res = await deliverWhatsAppWebhook(webhookUrl, undefined, 'not-the-app-secret-000', {
      rawBody: fixtureText('text.json'),
    });
    expect(res.status).toBe(401);
    expect(await count(`SELECT count(*)::int AS n FROM inbound_events`)).toBe(0);
  });

  it('turns a signed text into one turn whose replies reach the Graph API exactly as expected', async () => {
    const res = await deliverWhatsAppWebhook(webhookUrl, undefined, appSecret, {
      rawBody: fixtureText('text.json'),
    });
    expect(res.status).toBe(200);
    expect(await count(`SELECT count(*)::int AS n FROM inbound_events`)).toBe(1);

    await runAll();

    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(1);
    const identity = await db.pool.query(
      `SELECT provider, external_id, phone FROM channel_identities`,
    );
    expect(identity.rows).toEqual([
      { provider: 'whatsapp-cloud', external_id: debtorWaId, phone: `+${debtorWaId}` },
    ]);
    const rows = await outboxRows();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'sent' && r.recipient === debtorWaId)).toBe(true);
    expect(graph.requests).toHaveLength(rows.length);
    rows.forEach((row, i) => {
      const request = graph.requests[i]!;
      expect(request.method).toBe('POST');
      expect(request.path).toBe(`/${apiVersion}/${phoneNumberId}/messages`);
      expect(request.headers.authorization).toBe(`Bearer ${token}`);
      expect(request.body).toEqual(expectedCall(row));
      expect(row.provider_message_id).toMatch(/^wamid\./);
    });
  });

  it('processes a replayed delivery and a re-enveloped copy of the same wamid into no new turn', async () => {
    const before = graph.requests.length;
    const raw = fixtureText('text.json');
    const replay = await deliverWhatsAppWebhook(webhookUrl, undefined, appSecret, { rawBody: raw });
    expect(replay.status).toBe(200);
    // Same message, different bytes (Meta batches and re-serializes): a new event, same wamid.
    const copy = JSON.stringify(JSON.parse(raw));
    expect(copy).not.toBe(raw);
    const copied = await deliverWhatsAppWebhook(webhookUrl, undefined, appSecret, {
      rawBody: copy,
    });
    expect(copied.status).toBe(200);
    expect(await count(`SELECT count(*)::int AS n FROM inbound_events`)).toBe(2);

    await runAll();

    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(1);
    expect(graph.requests.length).toBe(before);
  });

  it('applies delivered and read statuses to the outbox row they name', async () => {
    const [row] = await outboxRows();
    for (const state of ['delivered', 'read'] as const) {
      const payload = JSON.parse(fixtureText(`status-${state}.json`)) as {
        entry: {
          changes: { value: { statuses: { id: string; biz_opaque_callback_data: string }[] } }[];
        }[];
      };
      const status = payload.entry[0]!.changes[0]!.value.statuses[0]!;
      status.id = row!.provider_message_id!;
      status.biz_opaque_callback_data = row!.id;
      const res = await deliverWhatsAppWebhook(webhookUrl, payload, appSecret);
      expect(res.status).toBe(200);
      await runAll();
      const [updated] = await outboxRows();
      expect(updated?.status).toBe(state);
    }
  });

  it('answers a voice note kindly, through the same outbound path', async () => {
    const before = (await outboxRows()).length;
    const res = await deliverWhatsAppWebhook(webhookUrl, undefined, appSecret, {
      rawBody: fixtureText('audio.json'),
    });
    expect(res.status).toBe(200);
    await runAll();
    const rows = (await outboxRows()).slice(before);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const requests = graph.requests.slice(-rows.length);
    rows.forEach((row, i) => expect(requests[i]?.body).toEqual(expectedCall(row)));
    const received = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`,
    );
    expect(received.rows[0]?.n).toBe(2);
  });

  it('answers an unknown number once, with a reply that reveals nothing', async () => {
    const before = (await outboxRows()).length;
    const stranger = '5215512345678';
    for (const id of ['wamid.stranger.1', 'wamid.stranger.2']) {
      const raw = fixtureText('text.json')
        .replaceAll(debtorWaId, stranger)
        .replace(/"id": "wamid\.[^"]+"/, `"id": "${id}"`);
      const res = await deliverWhatsAppWebhook(webhookUrl, undefined, appSecret, { rawBody: raw });
      expect(res.status).toBe(200);
      await runAll();
    }
    const rows = (await outboxRows()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.recipient).toBe(stranger);
    expect(rows[0]?.status).toBe('sent');
    const body = JSON.stringify(graph.requests.at(-1)?.body);
    expect(body).not.toContain('Ana');
    expect(body).not.toContain('1.250.000');
  });
});
