/**
 * Twilio SMS end to end on the real store: a signed webhook is stored, processed into a turn,
 * its replies go through the outbox and the dispatcher, and the stand-in Twilio API receives
 * exactly the Messages.json calls Twilio expects. Status callbacks update the outbox row.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import twilio from 'twilio';
import { twilioSmsParser } from '../../../../src/adapters/channels/twilio-sms/parse.js';
import { createTwilioSmsSender } from '../../../../src/adapters/channels/twilio-sms/sender.js';
import { twilioSmsWebhook } from '../../../../src/adapters/channels/twilio-sms/webhook.js';
import { errorHandler } from '../../../../src/adapters/http/errors.js';
import { PostgresInbox } from '../../../../src/adapters/postgres/inbox.js';
import { PostgresOutbox } from '../../../../src/adapters/postgres/outbox.js';
import { PostgresSenderDirectory } from '../../../../src/adapters/postgres/sender-directory.js';
import { OutboxDispatcher } from '../../../../src/app/dispatch-outbox.js';
import { processInbox, type InboxProcessorDeps } from '../../../../src/app/process-inbox.js';
import type { OutboundContent } from '../../../../src/domain/messaging/message.js';
import { renderSms, toGsmFriendly } from '../../../../src/domain/messaging/render-sms.js';
import { createTestDatabase, type TestDatabase } from '../../../support/db.js';
import { silentLogger } from '../../../support/shared.js';
import {
  startTwilioApi,
  twilioReplies,
  type TwilioApiStandIn,
} from '../../../support/stand-ins/twilio-api.js';
import { testConversationDeps } from '../../../support/conversation-deps.js';

const accountSid = 'AC1f0e2d3c4b5a69788796a5b4c3d2e1f0';
const authToken = '0123456789abcdef0123456789abcdef';
const from = '+14155550100';
const webhookUrl = 'https://cuota.example.com/webhooks/twilio/sms';
const statusCallbackUrl = 'https://cuota.example.com/webhooks/twilio/status';
const debtorPhone = '+573001234567';
const now = new Date('2026-11-24T15:00:00Z');
const clock = { now: () => new Date(now.getTime()) };

function fixture(name: string): Record<string, string> {
  const url = new URL(`../../../fixtures/twilio-sms/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, string>;
}

let db: TestDatabase;
let api: TwilioApiStandIn;
let server: Server;
let baseUrl: string;
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
      outbound.failed +
      outbound.cancelled;
    if (work === 0) return;
  }
}

interface OutboxRow {
  id: string;
  status: string;
  recipient: string;
  provider_message_id: string | null;
  last_error: string | null;
  content: OutboundContent;
  locale: string;
}

async function outboxRows(): Promise<OutboxRow[]> {
  const { rows } = await db.pool.query<OutboxRow>(
    `SELECT id::text, status, recipient, provider_message_id, last_error, content, locale FROM outbox ORDER BY id`,
  );
  return rows;
}

async function count(sql: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(sql);
  return rows[0]?.n ?? 0;
}

/** The Messages.json form the sender must have posted for an outbox row. */
function expectedForm(row: OutboxRow): Record<string, string> {
  const rendered = renderSms(row.content, { locale: row.locale });
  if (!rendered.ok) throw new Error(rendered.reason);
  return {
    To: row.recipient,
    From: from,
    Body: toGsmFriendly(rendered.text),
    StatusCallback: `${statusCallbackUrl}?cuotaOutboxId=${row.id}`,
  };
}

/** Posts form parameters the way Twilio does, signed for the configured public URL. */
async function deliver(
  kind: 'sms' | 'status',
  params: Record<string, string>,
  token = authToken,
  outboxId?: string,
): Promise<number> {
  const query = outboxId === undefined ? '' : `?cuotaOutboxId=${outboxId}`;
  const signedUrl = kind === 'sms' ? webhookUrl : `${statusCallbackUrl}${query}`;
  const response = await fetch(`${baseUrl}/webhooks/twilio/${kind}${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(token, signedUrl, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  await response.text();
  return response.status;
}

function inboundSms(sid: string, body: string, sender = debtorPhone): Record<string, string> {
  return {
    ...fixture('inbound-sms'),
    MessageSid: sid,
    SmsMessageSid: sid,
    SmsSid: sid,
    Body: body,
    From: sender,
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  const debtor = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale) VALUES ('D-SMS', 'Ana', '10201234', 'CO', 'America/Bogota', 'es-CO') RETURNING id`,
  );
  await db.pool.query(
    `INSERT INTO contact_points (debtor_id, kind, value) VALUES ($1, 'phone', $2)`,
    [debtor.rows[0]!.id, debtorPhone],
  );
  await db.pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date) VALUES ('A-SMS', $1, 'COP', 125000000, '2026-10-01')`,
    [debtor.rows[0]!.id],
  );

  api = await startTwilioApi({ accountSid, authToken });
  const inbox = new PostgresInbox(db.pool);
  const outbox = new PostgresOutbox(db.pool);
  processor = {
    events: inbox,
    parsers: new Map([['twilio-sms', twilioSmsParser]]),
    directory: new PostgresSenderDirectory(db.pool),
    outbox,
    conversations: await testConversationDeps(db.pool, clock),
    defaultLocale: 'es-419',
  };
  dispatcher = new OutboxDispatcher({
    outbox,
    senders: new Map([
      [
        'twilio-sms',
        createTwilioSmsSender({
          config: {
            accountSid,
            authToken,
            sender: { kind: 'number', from },
            statusCallbackUrl,
            apiBaseUrl: api.url,
            sendTimeoutMs: 2000,
          },
          logger: silentLogger,
        }),
      ],
    ]),
    limits: { 'twilio-sms': { perSecond: 1000, perRecipientIntervalMs: 0 } },
    clock,
    random: () => 0.5,
  });

  const app = express();
  app.use(
    twilioSmsWebhook({
      config: { authToken, webhookUrl, statusCallbackUrl, maxBodyBytes: 64 * 1024 },
      inbox,
      clock,
      logger: silentLogger,
    }),
  );
  app.use(errorHandler(silentLogger));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await api.close();
  await db.close();
});

describe('Twilio SMS pipeline', () => {
  it('refuses a badly signed SMS with 401 and stores nothing', async () => {
    const status = await deliver('sms', fixture('inbound-sms'), 'ffffffffffffffffffffffffffffffff');
    expect(status).toBe(401);
    expect(await count(`SELECT count(*)::int AS n FROM inbound_events`)).toBe(0);
  });

  it('turns a signed SMS into one turn whose replies reach Twilio exactly as expected', async () => {
    expect(await deliver('sms', inboundSms('SM00000000000000000000000000000001', 'hola'))).toBe(
      200,
    );
    expect(await count(`SELECT count(*)::int AS n FROM inbound_events`)).toBe(1);

    await runAll();

    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(1);
    const identity = await db.pool.query(
      `SELECT provider, external_id, phone FROM channel_identities`,
    );
    expect(identity.rows).toEqual([
      { provider: 'twilio-sms', external_id: debtorPhone, phone: debtorPhone },
    ]);
    const rows = await outboxRows();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'sent' && r.recipient === debtorPhone)).toBe(true);
    expect(api.requests).toHaveLength(rows.length);
    rows.forEach((row, i) => {
      const request = api.requests[i]!;
      expect(request.method).toBe('POST');
      expect(request.path).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
      expect(request.isAuthorized).toBe(true);
      expect(request.form).toEqual(expectedForm(row));
      expect(row.provider_message_id).toBe(api.acceptedSids[i]);
    });
  });

  it('processes a replayed SMS into no new turn and no new send', async () => {
    const before = api.requests.length;
    expect(await deliver('sms', inboundSms('SM00000000000000000000000000000001', 'hola'))).toBe(
      200,
    );
    await runAll();
    expect(await count(`SELECT count(*)::int AS n FROM inbound_events`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(1);
    expect(api.requests.length).toBe(before);
  });

  it('applies sent and delivered status callbacks to the outbox row they name', async () => {
    const [row] = await outboxRows();
    for (const name of ['status-sent', 'status-delivered'] as const) {
      const params = {
        ...fixture(name),
        MessageSid: row!.provider_message_id!,
        SmsSid: row!.provider_message_id!,
      };
      expect(await deliver('status', params, authToken, row!.id)).toBe(200);
      await runAll();
    }
    const [updated] = await outboxRows();
    expect(updated?.status).toBe('delivered');
  });

  it('leaves a send whose answer was lost unknown, then reconciles it from the status callback', async () => {
    const before = (await outboxRows()).length;
    const requestsBefore = api.requests.length;
    const sidsBefore = api.acceptedSids.length;
    // Twilio creates the first reply but the answer never arrives.
    api.reply({ type: 'accept-then-drop' });
    expect(
      await deliver('sms', inboundSms('SM00000000000000000000000000000002', 'quiero pagar')),
    ).toBe(200);
    await runAll();
    const [lost] = (await outboxRows()).slice(before);
    expect(lost).toMatchObject({ status: 'unknown', provider_message_id: null });
    // Never resent blindly: exactly one create for that row.
    expect(
      api.requests
        .slice(requestsBefore)
        .filter((r) => r.form.StatusCallback?.endsWith(`=${lost!.id}`)),
    ).toHaveLength(1);
    const sid = api.acceptedSids[sidsBefore]!;
    const params = { ...fixture('status-delivered'), MessageSid: sid, SmsSid: sid };
    expect(await deliver('status', params, authToken, lost!.id)).toBe(200);
    await runAll();
    const [reconciled] = (await outboxRows()).slice(before);
    expect(reconciled).toMatchObject({ status: 'delivered', provider_message_id: sid });
  });

  it('answers an MMS photo kindly, through the same outbound path', async () => {
    const before = (await outboxRows()).length;
    const received = await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`);
    const mms = Object.fromEntries(
      Object.entries({ ...fixture('inbound-mms'), From: debtorPhone, NumMedia: '1' }).filter(
        ([key]) => !key.endsWith('1'),
      ),
    );
    expect(await deliver('sms', mms)).toBe(200);
    await runAll();
    const rows = (await outboxRows()).slice(before);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const requests = api.requests.slice(-rows.length);
    rows.forEach((row, i) => expect(requests[i]?.form).toEqual(expectedForm(row)));
    expect(await count(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`)).toBe(
      received + 1,
    );
  });

  it('records a BAJA as an opt-out; Twilio refusing the confirmation with 21610 fails the row for good', async () => {
    const before = (await outboxRows()).length;
    const requestsBefore = api.requests.length;
    api.reply(twilioReplies.unsubscribed);
    expect(await deliver('sms', inboundSms('SM00000000000000000000000000000003', 'BAJA'))).toBe(
      200,
    );
    await runAll();
    expect(
      await count(`SELECT count(*)::int AS n FROM opt_outs WHERE channel IN ('sms', 'all')`),
    ).toBe(1);
    const rows = (await outboxRows()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'failed',
      last_error: expect.stringContaining('21610'),
    });
    // Tried once, never retried.
    expect(api.requests.length).toBe(requestsBefore + 1);
  });

  it('answers an unknown number once, with a reply that reveals nothing', async () => {
    const before = (await outboxRows()).length;
    const stranger = '+5215512345678';
    for (const sid of [
      'SM000000000000000000000000000000a1',
      'SM000000000000000000000000000000a2',
    ]) {
      expect(await deliver('sms', inboundSms(sid, 'hola', stranger))).toBe(200);
      await runAll();
    }
    const rows = (await outboxRows()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ recipient: stranger, status: 'sent' });
    const body = api.requests.at(-1)?.form.Body ?? '';
    expect(body).not.toContain('Ana');
    expect(body).not.toContain('1.250.000');
  });
});
