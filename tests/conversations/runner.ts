/**
 * The conversations-as-data runner: every YAML script in the given folders is replayed through
 * the full turn path (store, understanding, engine, transcript, records) on a fixed clock,
 * against the real store. conversations.db.test.ts runs it with the rules understander;
 * conversations-llm.db.test.ts reruns it with the LLM fallback on a stand-in model. Each script seeds its own debtor and account. Beyond each script's expectations,
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
import type { ReplyAssistant } from '../../src/app/assist-replies.js';
import {
  handleDebtorMessage,
  openConversation,
  type ConversationDeps,
  type TurnOutcome,
} from '../../src/app/conversations.js';
import { formatDecimal, formatMoney, money, toCurrencyCode } from '../../src/domain/money.js';
import { verifyChain } from '../../src/domain/transcript.js';
import { packageRoot } from '../../src/main.js';
import type { Clock } from '../../src/ports/clock.js';
import type { Understander } from '../../src/ports/understander.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/** The folder of the shipped scripts. */
export const scriptsDir = path.dirname(fileURLToPath(import.meta.url));

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
      /** What a scripted stand-in model answers on this turn (LLM runs only; rules runs ignore it). */
      model: z.unknown().optional(),
      /** How the LLM was used on this turn (trace status), when the run has one. */
      llm: z.string().optional(),
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
/** One turn of a script (not a restart). */
export type ScriptTurn = Extract<z.infer<typeof TurnSchema>, { say: string }>;

function loadScripts(dir: string): { file: string; script: Script }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({
      file,
      script: ScriptSchema.parse(parse(readFileSync(path.join(dir, file), 'utf8'))),
    }));
}

export interface ConversationRun {
  /** Shown in the describe title ("rules", "rules + LLM on the stand-in"). */
  readonly label: string;
  readonly dirs: readonly string[];
  /** A fresh understander per script (and after each restart). */
  readonly understander: () => Understander;
  /** Called before each debtor turn, e.g. to queue the stand-in model's answer. */
  readonly beforeTurn?: (turn: ScriptTurn) => void;
  /** Grounded answers and rewording, made right after `understander` for the same script. */
  readonly replies?: () => ReplyAssistant;
}

let db: TestDatabase;
let bundle: Awaited<ReturnType<typeof loadFlowBundle>>;
let run: ConversationRun;

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
    understander: run.understander(),
    replies: run.replies?.(),
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

/** Registers the runner's tests for `options`: one test per script in its folders. */
export function describeConversations(options: ConversationRun): void {
  const scripts = options.dirs.flatMap(loadScripts);
  beforeAll(async () => {
    run = options;
    db = await createTestDatabase();
    bundle = await loadFlowBundle(packageRoot);
  });
  afterAll(async () => {
    await db.close();
  });
  describeScripts(scripts, options.label);
}

function describeScripts(scripts: { file: string; script: Script }[], label: string): void {
  describe(`conversations (${label}) on ${process.env.CUOTA_TEST_STORE ?? 'pglite'}`, () => {
    it('has the scripted conversations', () => {
      expect(scripts.length).toBeGreaterThan(0);
    });

    it('names every script in kebab-case after its locale or region', () => {
      const misnamed = scripts
        .map(({ file }) => file)
        .filter(
          (file) => !/^(?:es-(?:co|mx|ar|cl|pe)|en-us|pt-br)(?:-[a-z0-9]+)+\.yaml$/.test(file),
        );
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
        run.beforeTurn?.(turn);
        const outcome: TurnOutcome = await handleDebtorMessage(deps, {
          conversationId,
          text: turn.say,
        });
        const replyText = outcome.replies.map((r) => r.text).join('\n');
        const actions = outcome.actions as unknown as ({ type: string } & Record<
          string,
          unknown
        >)[];
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
        if (turn.step !== undefined)
          check(outcome.step === turn.step, `expected step ${turn.step}`);
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
          check(
            new RegExp(pattern, 'iu').test(replyText),
            `expected a reply matching /${pattern}/`,
          );
        if (turn.llm !== undefined)
          check(outcome.understanding?.llm?.status === turn.llm, `expected llm ${turn.llm}`);
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
      // A reply a model wrote records the prompt's id and version, and what it said.
      for (const message of transcript.filter((m) => m.author === 'bot' && m.promptId !== null)) {
        expect(message.payload).toMatchObject({ llm: { promptVersion: message.promptVersion } });
      }
      // A turn the model answered records the prompt's id and version on the debtor's message.
      for (const message of transcript.filter((m) => m.direction === 'in')) {
        const llm = (message.payload as { llm?: { promptId?: string; promptVersion?: number } })
          .llm;
        expect(message.promptId).toBe(llm?.promptId ?? null);
        expect(message.promptVersion).toBe(llm?.promptVersion ?? null);
      }
    });
  });
}
