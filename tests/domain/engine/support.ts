import { fileURLToPath } from 'node:url';
import { loadFlowBundle, type FlowBundle } from '../../../src/adapters/flows/load-flows.js';
import type { LocalDate } from '../../../src/domain/dates.js';
import {
  initialState,
  step,
  type ConversationState,
  type EngineFacts,
  type StepResult,
} from '../../../src/domain/engine/index.js';
import type { Channel } from '../../../src/domain/model.js';
import { minor, toCurrencyCode, type CurrencyCode } from '../../../src/domain/money.js';
import type {
  DateEntity,
  Entities,
  Intent,
  Understanding,
} from '../../../src/domain/understanding/types.js';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

let cached: Promise<FlowBundle> | undefined;
/** The shipped flows/, policy and locales/, loaded once per test file. */
export function shippedBundle(): Promise<FlowBundle> {
  cached ??= loadFlowBundle(repoRoot);
  return cached;
}

export const currency = (code: string): CurrencyCode => toCurrencyCode(code) as CurrencyCode;

/** 2026-03-10 12:00 in Buenos Aires. */
export const now = new Date('2026-03-10T15:00:00Z');

export function factsFor(
  overrides: {
    locale?: string;
    currency?: string;
    balance?: number;
    daysPastDue?: number;
    documentId?: string;
    nextInstallment?: { amount: number; dueDate: string };
  } = {},
): EngineFacts {
  return {
    debtor: {
      name: 'María López',
      locale: overrides.locale ?? 'es-AR',
      timeZone: 'America/Argentina/Buenos_Aires',
      documentId: overrides.documentId ?? '30.123.456',
    },
    account: {
      balance: minor(overrides.balance ?? 150_000_00),
      currency: currency(overrides.currency ?? 'ARS'),
      dueDate: '2026-01-24' as LocalDate,
      product: 'Tarjeta Visa',
      minPayment: undefined,
      daysPastDue: overrides.daysPastDue ?? 45,
      nextInstallment: overrides.nextInstallment
        ? {
            amount: minor(overrides.nextInstallment.amount),
            dueDate: overrides.nextInstallment.dueDate as LocalDate,
          }
        : undefined,
      paymentDetails: 'alias cuota.pagos',
      creditorName: 'Banco Sol',
    },
  };
}

export function understood(
  intent: Intent,
  entities: Entities = {},
  confidence = 0.95,
  alternatives: Understanding['alternatives'] = [],
): Understanding {
  return { intent, confidence, entities, alternatives, source: 'test' };
}

export const date = (value: string): DateEntity => ({
  kind: 'date',
  date: value as LocalDate,
  text: value,
});

/** A conversation: keeps the state between turns and every result for assertions. */
export class Chat {
  state: ConversationState;
  readonly results: StepResult[] = [];

  constructor(
    private readonly bundle: FlowBundle,
    private readonly facts: EngineFacts = factsFor(),
    public channel: Channel = 'whatsapp',
  ) {
    const flow = bundle.flows.default;
    if (!flow) throw new Error('default flow missing');
    this.state = initialState(flow);
  }

  send(understanding: Understanding, text = ''): StepResult {
    const flow = this.bundle.flows.default!;
    const result = step({
      flow,
      policy: this.bundle.policy,
      catalog: this.bundle.catalogs,
      state: this.state,
      understanding,
      text,
      facts: this.facts,
      now,
      channel: this.channel,
    });
    // The state must survive a jsonb round trip unchanged.
    this.state = JSON.parse(JSON.stringify(result.state)) as ConversationState;
    this.results.push(result);
    return result;
  }

  /** Greets and answers the identity question correctly. */
  verify(): StepResult {
    this.send(understood('greet'), 'hola');
    return this.send(understood('unknown', { digits: '3456' }, 0.3), '3456');
  }

  allText(): string {
    return this.results.flatMap((r) => r.replies.map((reply) => reply.text)).join('\n');
  }
}

export const texts = (result: StepResult): string[] => result.replies.map((r) => r.text);
export const actionTypes = (result: StepResult): string[] => result.actions.map((a) => a.type);
