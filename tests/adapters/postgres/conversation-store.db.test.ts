import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadFlowBundle } from '../../../src/adapters/flows/load-flows.js';
import { PostgresConversationStore } from '../../../src/adapters/postgres/conversation-store.js';
import { initialState } from '../../../src/domain/engine/index.js';
import type { AccountId, ConversationId, DebtorId } from '../../../src/domain/model.js';
import { packageRoot } from '../../../src/main.js';
import type {
  ConversationTransaction,
  NewTranscriptMessage,
} from '../../../src/ports/conversation-store.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

let db: TestDatabase;
let store: PostgresConversationStore;
let bundle: Awaited<ReturnType<typeof loadFlowBundle>>;
const at = new Date('2026-11-24T15:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresConversationStore(db.pool);
  bundle = await loadFlowBundle(packageRoot);
});

afterAll(async () => {
  await db.close();
});

async function openOne(ref: string): Promise<ConversationId> {
  const debtor = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale) VALUES ($1, 'Ana', '10991234', 'CO', 'America/Bogota', 'es-CO') RETURNING id`,
    [`D-${ref}`],
  );
  const account = await db.pool.query<{ id: string }>(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, due_date) VALUES ($1, $2, 'COP', 90000000, '2026-10-01') RETURNING id`,
    [ref, debtor.rows[0]!.id],
  );
  return store.openForRoute({
    debtorId: debtor.rows[0]!.id as DebtorId,
    accountId: account.rows[0]!.id as AccountId,
    channel: 'whatsapp',
    provider: 'whatsapp-cloud',
    address: `57310${ref.replace(/\D/g, '').padStart(7, '0')}`,
    state: initialState(bundle.flows.default!),
    at,
  });
}

function inbound(providerMessageId: string): NewTranscriptMessage {
  return {
    direction: 'in',
    author: 'debtor',
    body: 'hola',
    payload: {},
    providerMessageId,
    flowId: 'default',
    flowVersion: 1,
    promptId: null,
    promptVersion: null,
  };
}

async function record(tx: ConversationTransaction, providerMessageId: string): Promise<void> {
  await tx.complete({
    messages: [inbound(providerMessageId)],
    actions: [],
    state: tx.conversation.state,
    at,
  });
}

describe('PostgresConversationStore: has this provider message been processed?', () => {
  it('answers for the message named with the snapshot, and still for any other', async () => {
    const id = await openOne('DEDUP-1');
    await store.withConversation(id, (tx) => record(tx, 'wamid.one'));
    const answers = await store.withConversation(
      id,
      async (tx) => [
        await tx.hasProcessed('wamid.one'),
        await tx.hasProcessed('wamid.two'),
        await tx.hasProcessed('wamid.never'),
      ],
      { providerMessageId: 'wamid.two' },
    );
    expect(answers).toEqual([true, false, false]);
    expect(
      await store.withConversation(id, (tx) => tx.hasProcessed('wamid.one'), {
        providerMessageId: 'wamid.one',
      }),
    ).toBe(true);
  });

  // The answer read with the snapshot predates a wait for the lock: a turn that waited while
  // another recorded the same message (a redelivery taken by a second worker) must see it.
  // PGlite has one connection: two turns never overlap there.
  (process.env.TEST_DATABASE_URL ? it : it.skip)(
    'sees a message recorded by the turn it waited for',
    async () => {
      const id = await openOne('DEDUP-2');
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let recorded = (): void => undefined;
      const isRecorded = new Promise<void>((resolve) => {
        recorded = resolve;
      });
      const first = store.withConversation(id, async (tx) => {
        await record(tx, 'wamid.twice');
        recorded();
        await held;
      });
      await isRecorded;
      const second = store.withConversation(id, (tx) => tx.hasProcessed('wamid.twice'), {
        providerMessageId: 'wamid.twice',
      });
      for (;;) {
        const { rows } = await db.pool.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (rows[0]!.waiting > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      release();
      await first;
      expect(await second).toBe(true);
    },
  );
});
