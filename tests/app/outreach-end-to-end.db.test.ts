/**
 * Issue 5's story end to end on a controllable clock, with the real WhatsApp Cloud sender talking
 * to the Graph API stand-in: a portfolio is imported, a campaign contacts a segment under the
 * contact policy, a STOP mid-campaign stops everything on that channel, a debtor answers and
 * promises, the promise is followed up and, unpaid, marked broken and re-engaged; another
 * debtor promises and pays, the promise is kept and the payment thanked.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { whatsAppCloudParser } from '../../src/adapters/channels/whatsapp-cloud/parse.js';
import { whatsAppCloudSender } from '../../src/adapters/channels/whatsapp-cloud/sender.js';
import { readPortfolioCsv } from '../../src/adapters/csv/read-portfolio-csv.js';
import { PostgresInbox } from '../../src/adapters/postgres/inbox.js';
import { PostgresOutbox } from '../../src/adapters/postgres/outbox.js';
import { createPaymentStore } from '../../src/adapters/postgres/payment-store.js';
import { createPortfolioStore } from '../../src/adapters/postgres/portfolio-store.js';
import { PostgresSenderDirectory } from '../../src/adapters/postgres/sender-directory.js';
import { PostgresCampaignStore } from '../../src/adapters/postgres/campaign-store.js';
import { applyPayment } from '../../src/app/apply-payment.js';
import {
  changeCampaignStatus,
  createCampaign,
  createSegment,
  runCampaigns,
  type CampaignDeps,
} from '../../src/app/campaigns.js';
import { policyGate } from '../../src/app/contact-gate.js';
import { OutboxDispatcher } from '../../src/app/dispatch-outbox.js';
import { importPortfolio } from '../../src/app/import-portfolio.js';
import { runLifecycle, type LifecycleDeps } from '../../src/app/lifecycle.js';
import { processInbox, type InboxProcessorDeps } from '../../src/app/process-inbox.js';
import { loadConfig } from '../../src/config.js';
import type { CurrencyCode, Minor } from '../../src/domain/money.js';
import { buildOutreachDeps } from '../../src/main.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { testConversationDeps } from '../support/conversation-deps.js';
import { silentLogger } from '../support/shared.js';
import {
  startMetaGraph,
  whatsAppTextWebhook,
  type MetaGraphStandIn,
} from '../support/stand-ins/meta-graph.js';

const token = 'EAAG-test-system-user-token-0123456789';
const phoneNumberId = '106540352242922';
const apiVersion = 'v26.0';

let db: TestDatabase;
let graph: MetaGraphStandIn;
let now = new Date('2026-12-01T14:00:00Z');
const clock = { now: () => new Date(now.getTime()) };
let lifecycle: LifecycleDeps;
let campaigns: CampaignDeps;
let inbox: PostgresInbox;
let processor: InboxProcessorDeps;
let dispatcher: OutboxDispatcher;
let eventSeq = 0;

const portfolio = [
  'account_ref,debtor_ref,name,phone,currency,balance,due_date,document_id,country',
  'E2E-ANA,D-ANA,Ana María Ríos,3001112201,COP,"1.250.000,00",01/11/2026,52441234,CO',
  'E2E-BETO,D-BETO,Beto Díaz,3001112202,COP,"500.000,00",05/11/2026,80551234,CO',
  'E2E-CARO,D-CARO,Carolina Pardo,3001112203,COP,"300.000,00",10/11/2026,10201234,CO',
].join('\n');

/** What the Graph API stand-in received for one WhatsApp user: template names or texts. */
function sentTo(waId: string): string[] {
  return graph.requests
    .filter((r) => r.method === 'POST' && (r.body as { to?: string }).to === waId)
    .map((r) => {
      const body = r.body as { type: string; template?: { name: string }; text?: { body: string } };
      return body.type === 'template' ? `template:${body.template!.name}` : body.type;
    });
}

/** The debtor writes on WhatsApp: Meta's webhook payload, stored, then turned by the worker. */
async function says(waId: string, text: string): Promise<void> {
  eventSeq += 1;
  const payload = whatsAppTextWebhook({
    phoneNumberId,
    from: waId,
    id: `wamid.e2e.${eventSeq}`,
    text,
  }) as {
    entry: { changes: { value: { messages: { timestamp: string }[] } }[] }[];
  };
  payload.entry[0]!.changes[0]!.value.messages[0]!.timestamp = String(
    Math.floor(now.getTime() / 1000),
  );
  await inbox.store([
    { provider: 'whatsapp-cloud', eventId: `e2e-${eventSeq}`, payload, receivedAt: now },
  ]);
  await processInbox(processor);
  await dispatcher.dispatchDue();
}

async function promiseOf(
  accountRef: string,
): Promise<{ status: string; due_date: string } | undefined> {
  const { rows } = await db.pool.query<{ status: string; due_date: string }>(
    `SELECT p.status, p.due_date::text FROM promises p JOIN accounts a ON a.id = p.account_id
      WHERE a.account_ref = $1 ORDER BY p.created_at DESC LIMIT 1`,
    [accountRef],
  );
  return rows[0];
}

beforeAll(async () => {
  db = await createTestDatabase();
  graph = await startMetaGraph({ token, phoneNumberId, apiVersion });
  const conversations = await testConversationDeps(db.pool, clock);
  lifecycle = {
    ...(await buildOutreachDeps(loadConfig({}), db, conversations, ['whatsapp-cloud'])),
    clock,
  };
  campaigns = { ...lifecycle, campaigns: new PostgresCampaignStore(db.pool) };
  inbox = new PostgresInbox(db.pool);
  const outbox = new PostgresOutbox(db.pool);
  processor = {
    events: inbox,
    parsers: new Map([['whatsapp-cloud', whatsAppCloudParser]]),
    directory: new PostgresSenderDirectory(db.pool),
    outbox,
    conversations,
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
    gate: policyGate({ store: lifecycle.store, decide: lifecycle.decide }),
  });
});

afterAll(async () => {
  await graph.close();
  await db.close();
});

describe('import, campaign, policy, outbox, provider, reply, promise, follow-up', () => {
  it('imports the portfolio', async () => {
    const input = await readPortfolioCsv(
      Readable.from([Buffer.from(portfolio, 'utf8')]),
      'e2e.csv',
    );
    const outcome = await importPortfolio(
      {
        store: createPortfolioStore(db),
        clock,
        defaults: { country: 'CO', timeZone: 'America/Bogota', locale: 'es-419' },
      },
      input,
    );
    expect(outcome.ok && outcome.counts).toMatchObject({ read: 3, inserted: 3, rejected: 0 });
  });

  it('contacts the segment with the campaign template, and a STOP stops the channel', async () => {
    const segment = await createSegment(campaigns, 'CO en mora', {
      aging: ['1-30', '31-60'],
      countries: ['CO'],
    });
    const campaign = await createCampaign(campaigns, {
      name: 'Mora diciembre',
      segmentId: segment.id,
      flow: 'default',
      channels: ['whatsapp'],
      variants: [{ id: 'a', template: 'overdue_notice', weight: 1 }],
      startsAt: now.toISOString(),
    });
    await changeCampaignStatus(campaigns, campaign.id, 'start');
    await runCampaigns(campaigns);
    // Queued for all three; before the dispatcher runs, Carolina writes STOP on WhatsApp.
    const queued = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE purpose = 'campaign' AND status = 'pending'`,
    );
    expect(queued.rows[0]!.n).toBe(3);
    now = new Date('2026-12-01T14:05:00Z');
    await says('573001112203', 'STOP');
    await dispatcher.dispatchDue();

    expect(sentTo('573001112201')).toEqual(['template:overdue_notice']);
    expect(sentTo('573001112202')).toEqual(['template:overdue_notice']);
    // Carolina got only the opt-out confirmation, never the campaign message.
    expect(sentTo('573001112203')).toEqual(['text']);
    const request = graph.requests.find((r) => (r.body as { to?: string }).to === '573001112201');
    expect(request!.body).toMatchObject({
      messaging_product: 'whatsapp',
      type: 'template',
      template: {
        name: 'overdue_notice',
        language: { code: 'es' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }],
      },
    });
    const caro = await db.pool.query<{ status: string; last_error: string }>(
      `SELECT o.status, o.last_error FROM outbox o JOIN accounts a ON a.id = o.account_id
        WHERE a.account_ref = 'E2E-CARO' AND o.purpose = 'campaign'`,
    );
    expect(caro.rows).toEqual([
      { status: 'cancelled', last_error: 'the debtor opted out of this channel' },
    ]);
  });

  it('lets the debtors answer the campaign and promise', async () => {
    now = new Date('2026-12-01T15:00:00Z');
    for (const text of ['hola', '1234', 'le pago el viernes', 'si'])
      await says('573001112201', text);
    for (const text of ['hola', '1234', 'le pago el miércoles', 'si'])
      await says('573001112202', text);
    expect(await promiseOf('E2E-ANA')).toEqual({ status: 'pending', due_date: '2026-12-04' });
    expect(await promiseOf('E2E-BETO')).toEqual({ status: 'pending', due_date: '2026-12-02' });
    // Every answer of the bot went out as a free-form message inside the 24-hour window.
    expect(
      sentTo('573001112202').filter((t) => t !== 'template:overdue_notice').length,
    ).toBeGreaterThanOrEqual(4);
    expect(
      sentTo('573001112202').every(
        (t) => t.startsWith('template:') || ['text', 'interactive'].includes(t),
      ),
    ).toBe(true);
  });

  it('keeps Beto’s promise when his payment covers it, and thanks him', async () => {
    now = new Date('2026-12-02T16:00:00Z');
    const paid = await applyPayment(
      { store: createPaymentStore(db), clock, graceDays: 1 },
      {
        externalId: 'BANK-778899',
        accountRef: 'E2E-BETO',
        amount: { amount: 50_000_000 as Minor, currency: 'COP' as CurrencyCode },
        paidAt: { kind: 'instant', at: new Date('2026-12-02T15:30:00Z') },
        method: 'transfer',
        reference: undefined,
      },
      'api',
    );
    expect(paid.ok).toBe(true);
    expect(await promiseOf('E2E-BETO')).toEqual({ status: 'kept', due_date: '2026-12-02' });

    const run = await runLifecycle(lifecycle);
    expect(run.thanks.queued + run.thanks.deferred).toBe(2);
    await dispatcher.dispatchDue();
    expect(sentTo('573001112202').at(-1)).toBe('template:payment_received');
    // The survey counts as a contact: Colombia's caps (one a day, two a week) hold it back.
    const survey = await db.pool.query<{ status: string; next_attempt_at: Date; rule: string }>(
      `SELECT status, next_attempt_at, policy_decisions->-1->>'rule' AS rule FROM outbox WHERE purpose = 'survey'`,
    );
    expect(survey.rows[0]).toMatchObject({ status: 'pending', rule: 'co_one_per_day' });
    expect(survey.rows[0]!.next_attempt_at.getTime()).toBeGreaterThan(now.getTime());
  });

  it('follows Ana’s promise up, marks it broken unpaid, and re-engages', async () => {
    // Thursday: the reminder the day before goes, as the approved template.
    now = new Date('2026-12-03T17:00:00Z');
    await runLifecycle(lifecycle);
    await dispatcher.dispatchDue();
    expect(sentTo('573001112201').at(-1)).toBe('template:promise_reminder');

    // Sunday the 6th, past Friday plus the grace day: broken, and re-engaged when allowed.
    now = new Date('2026-12-06T15:00:00Z');
    const sunday = await runLifecycle(lifecycle);
    expect(sunday.broken.queued + sunday.broken.deferred).toBe(1);
    expect(await promiseOf('E2E-ANA')).toEqual({ status: 'broken', due_date: '2026-12-04' });
    const row = await db.pool.query<{ next_attempt_at: Date }>(
      `SELECT next_attempt_at FROM outbox WHERE purpose = 'broken_promise'`,
    );
    now = row.rows[0]!.next_attempt_at;
    await dispatcher.dispatchDue();
    expect(sentTo('573001112201').at(-1)).toBe('template:promise_broken');

    // Beto's survey went when the caps allowed, not before.
    const survey = await db.pool.query<{ next_attempt_at: Date }>(
      `SELECT next_attempt_at FROM outbox WHERE purpose = 'survey'`,
    );
    now = new Date(Math.max(now.getTime(), survey.rows[0]!.next_attempt_at.getTime()));
    await dispatcher.dispatchDue();
    expect(sentTo('573001112202').at(-1)).toBe('template:satisfaction_survey');
  });
});
