/**
 * Conversations as data: every YAML script in this folder is replayed through the full turn
 * path (store, rules understanding, engine, transcript, records) on a fixed clock, against the
 * real store. Each script seeds its own debtor and account. Beyond each script's expectations,
 * the runner checks invariants on every turn: nothing about the debt is said before identity is
 * verified, the bot is silent once an agent owns the conversation or the debtor opted out, and
 * every transcript's hash chain verifies.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadFlowBundle } from '../../src/adapters/flows/load-flows.js';
import { PostgresConversationStore } from '../../src/adapters/postgres/conversation-store.js';
import {
  handleDebtorMessage,
  openConversation,
  type ConversationDeps,
  type TurnOutcome,
} from '../../src/app/conversations.js';
import { formatDecimal, formatMoney, money, toCurrencyCode } from '../../src/domain/money.js';
import { verifyChain } from '../../src/domain/transcript.js';
import { RulesUnderstander } from '../../src/domain/understanding/rules-understander.js';
import { packageRoot } from '../../src/main.js';
import type { Clock } from '../../src/ports/clock.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const ActionExpectation = z.union([
  z.string(),
  z.object({ type: z.string() }).catchall(z.unknown()),
]);

const TurnSchema = z.union([
  z
    .object({
      say: z.union([z.string(), z.number()]).transform(String),
      /** Advance the clock to this instant before the turn. */
      at: z.string().optional(),
      intent: z.string().optional(),
      step: z.string().optional(),
      /** The exact list of action types (strings) or partial objects, in order. */
      actions: z.array(ActionExpectation).optional(),
      /** Action types that must appear (others may too). */
      includesActions: z.array(z.string()).optional(),
      replyContains: z.array(z.string()).optional(),
      replyExcludes: z.array(z.string()).optional(),
      /** Regular expressions (case-insensitive, Unicode) the joined replies must match. */
      replyMatches: z.array(z.string()).optional(),
      silent: z.boolean().optional(),
      owner: z.enum(['bot', 'agent']).optional(),
    })
    .strict(),
  z.object({ restart: z.literal(true) }).strict(),
]);

const ScriptSchema = z
  .object({
    title: z.string(),
    now: z.string().default('2026-11-24T15:00:00Z'),
    locale: z.string().optional(),
    channel: z.enum(['web', 'whatsapp', 'sms', 'telegram']).default('web'),
    account: z
      .object({
        currency: z.string().default('COP'),
        balance: z.number().int().positive().default(125000000),
        dueDate: z.string().default('2026-10-01'),
        product: z.string().default('tarjeta de crédito'),
        documentId: z.string().default('1020301234'),
        name: z.string().default('Ana María Peña'),
        timeZone: z.string().default('America/Bogota'),
        debtorLocale: z.string().default('es-CO'),
        country: z.string().default('CO'),
        segment: z.string().optional(),
        minPayment: z.number().int().positive().optional(),
      })
      .strict()
      .default({
        currency: 'COP',
        balance: 125000000,
        dueDate: '2026-10-01',
        product: 'tarjeta de crédito',
        documentId: '1020301234',
        name: 'Ana María Peña',
        timeZone: 'America/Bogota',
        debtorLocale: 'es-CO',
        country: 'CO',
      }),
    turns: z.array(TurnSchema).min(1),
  })
  .strict();

type Script = z.infer<typeof ScriptSchema>;

const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => ({
    file,
    script: ScriptSchema.parse(parse(readFileSync(path.join(here, file), 'utf8'))),
  }));

let db: TestDatabase;
let bundle: Awaited<ReturnType<typeof loadFlowBundle>>;

beforeAll(async () => {
  db = await createTestDatabase();
  bundle = await loadFlowBundle(packageRoot);
});

afterAll(async () => {
  await db.close();
});

function movableClock(start: Date): Clock & { set(instant: Date): void } {
  let now = start;
  return { now: () => new Date(now.getTime()), set: (instant) => (now = instant) };
}

async function seed(ref: string, script: Script): Promise<void> {
  const a = script.account;
  const debtor = await db.pool.query<{ id: string }>(
    `INSERT INTO debtors (debtor_ref, name, document_id, country, time_zone, locale, segment) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [`D-${ref}`, a.name, a.documentId, a.country, a.timeZone, a.debtorLocale, a.segment ?? null],
  );
  await db.pool.query(
    `INSERT INTO accounts (account_ref, debtor_id, currency, balance_minor, original_minor, min_payment_minor, due_date, product, segment)
     VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8)`,
    [
      ref,
      debtor.rows[0]!.id,
      a.currency,
      a.balance,
      a.minPayment ?? null,
      a.dueDate,
      a.product,
      a.segment ?? null,
    ],
  );
}

function depsFor(clock: Clock): ConversationDeps {
  return {
    store: new PostgresConversationStore(db.pool),
    understander: new RulesUnderstander(),
    bundle,
    clock,
    creditor: { name: 'Financiera Andina', paymentDetails: 'https://pagos.example.com/ref' },
    defaultFlowId: 'default',
  };
}

/** Ways the balance could appear in a reply: formatted for the locale, plain, grouped. */
function balanceSpellings(script: Script): string[] {
  const currency = toCurrencyCode(script.account.currency)!;
  const value = money(script.account.balance, currency);
  const formatted = formatMoney(value, script.locale ?? script.account.debtorLocale).replace(
    /[^\d.,]/g,
    '',
  );
  return [formatted, formatDecimal(value)].filter((s) => s.replace(/\D/g, '').length >= 4);
}

function matchesAction(
  actual: { type: string } & Record<string, unknown>,
  expected: z.infer<typeof ActionExpectation>,
): boolean {
  if (typeof expected === 'string') return actual.type === expected;
  return Object.entries(expected).every(
    ([k, v]) => JSON.stringify(actual[k]) === JSON.stringify(v),
  );
}

describe(`conversations on ${process.env.CUOTA_TEST_STORE ?? 'pglite'}`, () => {
  it('has the scripted conversations', () => {
    expect(scripts.length).toBeGreaterThan(0);
  });

  it('names every script in kebab-case after its locale or region', () => {
    const misnamed = scripts
      .map(({ file }) => file)
      .filter((file) => !/^(?:es-(?:co|mx|ar|cl|pe)|en-us|pt-br)(?:-[a-z0-9]+)+\.yaml$/.test(file));
    expect(misnamed).toEqual([]);
  });

  it.each(scripts)('$file', async ({ file, script }) => {
    const ref = `CONV-${file.replace(/\.yaml$/, '')}`;
    await seed(ref, script);
    const clock = movableClock(new Date(script.now));
    let deps = depsFor(clock);
    const conversationId = await openConversation(deps, {
      accountRef: ref,
      channel: script.channel,
      locale: script.locale,
    });
    const secrets = [...balanceSpellings(script), script.account.product];
    let isVerified = false;
    let isSilenced = false;
    for (const [index, turn] of script.turns.entries()) {
      if ('restart' in turn) {
        deps = depsFor(clock);
        continue;
      }
      if (turn.at !== undefined) clock.set(new Date(turn.at));
      const where = `${file} turn ${index + 1} ("${turn.say}")`;
      const outcome: TurnOutcome = await handleDebtorMessage(deps, {
        conversationId,
        text: turn.say,
      });
      const replyText = outcome.replies.map((r) => r.text).join('\n');
      const actions = outcome.actions as unknown as ({ type: string } & Record<string, unknown>)[];
      const describeTurn = (): string =>
        `${where}\n  intent=${outcome.understanding?.intent} (${outcome.understanding?.confidence}) step=${outcome.step} owner=${outcome.owner}\n  actions=${JSON.stringify(actions)}\n  replies=${replyText}`;

      // Disclosure is allowed in the very turn that verifies identity, never before it.
      if (actions.some((a) => a.type === 'identity_verified')) isVerified = true;
      if (!isVerified) {
        for (const secret of secrets) {
          if (replyText.includes(secret))
            throw new Error(
              `disclosed "${secret}" before identity was verified\n${describeTurn()}`,
            );
        }
      }
      if (isSilenced && outcome.replies.length > 0)
        throw new Error(`the bot spoke after handing over or an opt-out\n${describeTurn()}`);
      if (
        outcome.owner === 'agent' ||
        actions.some((a) => a.type === 'opted_out' || a.type === 'wrong_number')
      )
        isSilenced = true;

      const check = (condition: boolean, what: string): void => {
        if (!condition) throw new Error(`${what}\n${describeTurn()}`);
      };
      if (turn.intent !== undefined)
        check(outcome.understanding?.intent === turn.intent, `expected intent ${turn.intent}`);
      if (turn.step !== undefined) check(outcome.step === turn.step, `expected step ${turn.step}`);
      if (turn.owner !== undefined)
        check(outcome.owner === turn.owner, `expected owner ${turn.owner}`);
      if (turn.actions !== undefined) {
        check(
          actions.length === turn.actions.length &&
            turn.actions.every((e, i) => matchesAction(actions[i]!, e)),
          `expected actions ${JSON.stringify(turn.actions)}`,
        );
      }
      for (const type of turn.includesActions ?? [])
        check(
          actions.some((a) => a.type === type),
          `expected an action ${type}`,
        );
      for (const text of turn.replyContains ?? [])
        check(
          replyText.toLowerCase().includes(text.toLowerCase()),
          `expected a reply containing "${text}"`,
        );
      for (const text of turn.replyExcludes ?? [])
        check(
          !replyText.toLowerCase().includes(text.toLowerCase()),
          `expected no reply containing "${text}"`,
        );
      for (const pattern of turn.replyMatches ?? [])
        check(new RegExp(pattern, 'iu').test(replyText), `expected a reply matching /${pattern}/`);
      if (turn.silent === true) check(outcome.replies.length === 0, 'expected no reply');
      if (turn.silent === false) check(outcome.replies.length > 0, 'expected a reply');
    }
    const transcript = await deps.store.transcript(conversationId);
    expect(verifyChain(transcript)).toEqual({ ok: true, length: transcript.length });
    expect(transcript.filter((m) => m.direction === 'in')).toHaveLength(
      script.turns.filter((t) => 'say' in t).length,
    );
    for (const message of transcript.filter((m) => m.author === 'bot')) {
      expect(message.flowId).toBe('default');
      expect(typeof message.flowVersion).toBe('number');
    }
  });
});
