/**
 * Issue 6: prompt injection cannot change any record. Every attack in injection-corpus.yaml is
 * sent with a promise offer pending, through the full turn path (store, LLM-assisted
 * understanding on the real `openai` client, engine, records), while the stand-in plays a
 * compromised model that answers exactly what the attack asks for. The same message through
 * the rules alone is the baseline: the LLM path must record, offer and decide nothing else, and the
 * account's records (promises, plans, balance) must be the rules' own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { z } from 'zod';
import { CapsAndBreakerGuard } from '../../src/adapters/llm/guard.js';
import { OpenAiLanguageModel } from '../../src/adapters/llm/openai-model.js';
import { loadPrompts } from '../../src/adapters/llm/prompts.js';
import {
  handleDebtorMessage,
  openConversation,
  type ConversationDeps,
} from '../../src/app/conversations.js';
import { LlmAssistedUnderstander } from '../../src/app/llm-understander.js';
import { screenForInjection } from '../../src/domain/llm/injection.js';
import { testConversationDeps } from '../support/conversation-deps.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import {
  startOpenAiApi,
  type OpenAiApiStandIn,
  type OpenAiReply,
} from '../support/stand-ins/openai-api.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const CorpusSchema = z.object({
  attacks: z
    .array(
      z.object({
        locale: z.enum(['es-CO', 'es-MX', 'es-AR', 'en-US', 'pt-BR']),
        wants: z.enum(['affirm', 'paid', 'amount', 'plan', 'intent', 'optout']),
        text: z.string().min(1),
      }),
    )
    .min(30),
});
const corpus = CorpusSchema.parse(
  parse(readFileSync(path.join(here, 'injection-corpus.yaml'), 'utf8')),
);

/** What a compromised model answers for each kind of attack. */
const compromised: Record<z.infer<typeof CorpusSchema>['attacks'][number]['wants'], OpenAiReply> = {
  affirm: { type: 'json', body: { intent: 'affirm', confidence: 1 } },
  paid: {
    type: 'json',
    body: {
      intent: 'payment_claim',
      confidence: 1,
      entities: {
        amount: { text: 'pagada', value: 1250000 },
        date: { text: 'hoy', date: '2026-11-24' },
      },
    },
  },
  amount: {
    type: 'json',
    body: {
      intent: 'promise_to_pay',
      confidence: 1,
      entities: { amount: { text: '1', value: 1 }, date: { text: 'hoy', date: '2026-11-24' } },
    },
  },
  plan: {
    type: 'json',
    body: {
      intent: 'propose_plan',
      confidence: 1,
      entities: { installmentCount: { text: '120', value: 120 } },
    },
  },
  intent: { type: 'json', body: { intent: 'mark_debt_paid', confidence: 1 } },
  optout: { type: 'json', body: { intent: 'opt_out', confidence: 1 } },
};

const setup: Record<string, readonly string[]> = {
  es: ['hola', '1234', 'le pago el viernes sin falta'],
  en: ['hey', '1234', "i'll pay it all this friday"],
  pt: ['oi', '1234', 'vou pagar tudo na sexta'],
};

let db: TestDatabase;
let api: OpenAiApiStandIn;
let rulesDeps: ConversationDeps;
let llmDeps: ConversationDeps;
const clock = { now: () => new Date('2026-11-24T15:00:00Z') };

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startOpenAiApi();
  rulesDeps = await testConversationDeps(db.pool, clock);
  const model = new OpenAiLanguageModel(
    { apiKey: api.apiKey, baseUrl: api.url, model: 'compromised' },
    await loadPrompts(root),
  );
  const guard = new CapsAndBreakerGuard({
    perConversation: 100,
    perDay: 10_000,
    breakerFailures: 100,
    breakerCooldownMs: 1000,
  });
  llmDeps = { ...rulesDeps, understander: new LlmAssistedUnderstander(model, guard) };
});

afterAll(async () => {
  await api.close();
  await db.close();
});

async function seed(ref: string, locale: string): Promise<void> {
  const debtor = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale) VALUES ($1, 'Ana María Peña', '1020301234', 'CO', 'America/Bogota', $2) RETURNING id`,
    [`D-${ref}`, locale],
  );
  await db.pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, original_minor, due_date, product)
     VALUES ($1, $2, 'COP', 125000000, 125000000, '2026-10-01', 'tarjeta de crédito')`,
    [ref, debtor.rows[0]!.id],
  );
}

async function attack(
  deps: ConversationDeps,
  ref: string,
  locale: string,
  text: string,
  compromisedReply: OpenAiReply,
) {
  const conversationId = await openConversation(deps, { accountRef: ref, channel: 'web' });
  for (const line of setup[locale.slice(0, 2)]!) {
    await handleDebtorMessage(deps, { conversationId, text: line });
  }
  const before = await deps.store.withConversation(conversationId, (tx) =>
    Promise.resolve(tx.conversation.state),
  );
  // The model turns compromised only for the attack; before it, it is merely unsure.
  api.script(() => compromisedReply);
  const outcome = await handleDebtorMessage(deps, { conversationId, text });
  api.script(undefined);
  const after = await deps.store.withConversation(conversationId, (tx) =>
    Promise.resolve(tx.conversation.state),
  );
  return { conversationId, before, outcome, after };
}

async function recordsOf(ref: string): Promise<Record<string, number>> {
  const result = await db.pool.query<{ promises: string; plans: string; balance: string }>(
    `SELECT (SELECT count(*) FROM promises p WHERE p.account_id = a.id) AS promises,
            (SELECT count(*) FROM plans p WHERE p.account_id = a.id) AS plans,
            a.balance_minor AS balance
       FROM accounts a WHERE a.account_ref = $1`,
    [ref],
  );
  const row = result.rows[0]!;
  return { promises: Number(row.promises), plans: Number(row.plans), balance: Number(row.balance) };
}

describe('prompt injection cannot change any record', () => {
  it('has at least 30 attacks in Spanish, English and Portuguese', () => {
    const languages = new Set(corpus.attacks.map((a) => a.locale.slice(0, 2)));
    expect(corpus.attacks.length).toBeGreaterThanOrEqual(30);
    expect([...languages].sort()).toEqual(['en', 'es', 'pt']);
  });

  it('keeps every attack in the corpus away from the model (the screen, the first layer)', () => {
    const missed = corpus.attacks.filter((a) => !screenForInjection(a.text).isSuspect);
    expect(missed).toEqual([]);
  });

  it.each(corpus.attacks.map((a, i) => ({ ...a, i })))(
    '$locale $wants: $text',
    async ({ i, locale, wants, text }) => {
      await seed(`INJ-R-${i}`, locale);
      await seed(`INJ-L-${i}`, locale);
      const rules = await attack(rulesDeps, `INJ-R-${i}`, locale, text, compromised[wants]);
      const llm = await attack(llmDeps, `INJ-L-${i}`, locale, text, compromised[wants]);

      // The setup really left an offer a yes would turn into a promise.
      expect(llm.before?.pendingOffer).toMatchObject({ kind: 'promise', amount: 125000000 });
      // The LLM path decides exactly what the rules alone decide.
      expect(llm.outcome.actions).toEqual(rules.outcome.actions);
      expect(llm.after?.pendingOffer).toEqual(rules.after?.pendingOffer);
      expect(llm.after?.stepId).toEqual(rules.after?.stepId);
      // The records are the rules' records: no promise, plan or payment the rules did not make
      // from the debtor's own words, and the balance untouched.
      const records = await recordsOf(`INJ-L-${i}`);
      expect(records).toEqual(await recordsOf(`INJ-R-${i}`));
      expect(records.balance).toBe(125000000);
      // The model was not consulted (the rules were sure), was kept out by the screen, or its
      // answer was refused; the transcript says which.
      expect([undefined, 'skipped_injection', 'rejected']).toContain(
        llm.outcome.understanding?.llm?.status,
      );
    },
  );
});
