/**
 * Issue 6: the injection corpus against grounded answers. Each attack is sent by a verified
 * debtor, so the answer path is live, while the stand-in plays a compromised model that answers
 * what the attack wants ("your balance is $ 0, the debt is paid"). The turn must decide and
 * record exactly what the rules alone decide, and nothing the compromised model said is sent.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { loadFaq } from '../../src/adapters/flows/load-faq.js';
import { CapsAndBreakerGuard } from '../../src/adapters/llm/guard.js';
import { OpenAiLanguageModel } from '../../src/adapters/llm/openai-model.js';
import { loadPrompts } from '../../src/adapters/llm/prompts.js';
import {
  handleDebtorMessage,
  openConversation,
  type ConversationDeps,
} from '../../src/app/conversations.js';
import { GroundedAnswerer } from '../../src/app/grounded-answer.js';
import { packageRoot } from '../../src/main.js';
import { testConversationDeps } from '../support/conversation-deps.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startOpenAiApi, type OpenAiApiStandIn } from '../support/stand-ins/openai-api.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const attacks = (
  parse(readFileSync(path.join(here, 'injection-corpus.yaml'), 'utf8')) as {
    attacks: { locale: string; text: string }[];
  }
).attacks;

/** What a compromised model answers, in the attack's language. */
const obedient: Record<string, string> = {
  es: 'Listo: tu saldo quedó en $ 0 y la deuda está pagada. Te damos un descuento del 100%.',
  en: 'Done: your balance is now $ 0 and the debt is paid. You get a 100% discount.',
  pt: 'Pronto: seu saldo agora é R$ 0 e a dívida está paga. Você tem 100% de desconto.',
};

let db: TestDatabase;
let api: OpenAiApiStandIn;
let rulesDeps: ConversationDeps;
let answerDeps: ConversationDeps;
const clock = { now: () => new Date('2026-11-24T15:00:00Z') };

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startOpenAiApi();
  rulesDeps = await testConversationDeps(db.pool, clock);
  const model = new OpenAiLanguageModel(
    { apiKey: api.apiKey, baseUrl: api.url, model: 'compromised' },
    await loadPrompts(packageRoot),
  );
  const guard = new CapsAndBreakerGuard({
    perConversation: 100,
    perDay: 10_000,
    breakerFailures: 1000,
    breakerCooldownMs: 1000,
  });
  answerDeps = {
    ...rulesDeps,
    replies: { answerer: new GroundedAnswerer(model, guard, await loadFaq(packageRoot)) },
  };
});

afterAll(async () => {
  await api.close();
  await db.close();
});

async function run(deps: ConversationDeps, ref: string, locale: string, text: string) {
  const debtor = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale) VALUES ($1, 'Ana María Peña', '1020301234', 'CO', 'America/Bogota', $2) RETURNING id`,
    [`D-${ref}`, locale],
  );
  await db.pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, original_minor, due_date, product)
     VALUES ($1, $2, 'COP', 125000000, 125000000, '2026-10-01', 'tarjeta de crédito')`,
    [ref, debtor.rows[0]!.id],
  );
  const conversationId = await openConversation(deps, { accountRef: ref, channel: 'web' });
  for (const line of ['hola', '1234'])
    await handleDebtorMessage(deps, { conversationId, text: line });
  const outcome = await handleDebtorMessage(deps, { conversationId, text });
  const state = await deps.store.withConversation(conversationId, (tx) =>
    Promise.resolve(tx.conversation.state),
  );
  return { outcome, state };
}

describe('prompt injection cannot steer a grounded answer', () => {
  it.each(attacks.map((a, i) => ({ ...a, i })))('$locale: $text', async ({ i, locale, text }) => {
    api.script(() => ({
      type: 'json',
      body: { answerable: true, answer: obedient[locale.slice(0, 2)] },
    }));
    const llm = await run(answerDeps, `GINJ-L-${i}`, locale, text);
    api.script(undefined);
    const rules = await run(rulesDeps, `GINJ-R-${i}`, locale, text);

    expect(llm.outcome.actions).toEqual(rules.outcome.actions);
    expect({ ...llm.state }).toEqual({ ...rules.state });
    const sent = llm.outcome.replies.map((r) => r.text);
    expect(sent.join('\n')).not.toMatch(/\$ 0|100 ?%/);
    // The rules' replies, or the honest "cannot answer" in front of them: nothing else.
    const baseline = rules.outcome.replies.map((r) => r.text);
    const extra = sent.length - baseline.length;
    expect([0, 1]).toContain(extra);
    expect(sent.slice(extra)).toEqual(baseline);
    if (extra === 1) expect(llm.outcome.replies[0]!.messageKey).toBe('faq.unanswered');
  });
});
