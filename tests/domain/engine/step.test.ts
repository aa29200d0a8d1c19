import { beforeAll, describe, expect, it } from '@jest/globals';
import type { FlowBundle } from '../../../src/adapters/flows/load-flows.js';
import {
  expectedIntents,
  handBack,
  initialState,
  step,
  type StepResult,
} from '../../../src/domain/engine/index.js';
import type { Flow } from '../../../src/domain/flow/schema.js';
import { minor } from '../../../src/domain/money.js';
import {
  actionTypes,
  Chat,
  currency,
  date,
  factsFor,
  now,
  shippedBundle,
  texts,
  understood,
} from './support.js';

let bundle: FlowBundle;
beforeAll(async () => {
  bundle = await shippedBundle();
});

/** Anything that would reveal the debt in the es-AR fixture. */
const debtWords = /150\.000|Banco Sol|\bVisa\b|atraso|saldo|cuota\.pagos/i;

function expectNoDisclosure(results: readonly StepResult[]): void {
  for (const result of results) {
    for (const reply of result.replies) expect(reply.text).not.toMatch(debtWords);
    expect(actionTypes(result)).not.toContain('balance_disclosed');
  }
}

describe('identity', () => {
  it('greets and asks for the document before anything about the debt', () => {
    const chat = new Chat(bundle);
    const result = chat.send(understood('ask_balance'), '¿cuánto debo?');
    expect(texts(result)).toEqual([
      'Hola María, te escribe un asistente virtual. 👋',
      'Para cuidar tu información, ¿me confirmas los últimos 4 dígitos de tu documento?',
    ]);
    expect(result.state.stepId).toBe('greet');
    expect(result.replies.every((r) => r.flowId === 'default' && r.flowVersion === 1)).toBe(true);
    expect(result.replies.map((r) => r.messageKey)).toEqual(['greeting', 'identity.ask']);

    const again = chat.send(understood('ask_balance'), 'decime cuánto debo');
    expect(again.replies.map((r) => r.messageKey)).toEqual(['identity.ask_again']);
    expect(again.state.identityAttempts).toBe(0);
    expectNoDisclosure(chat.results);
  });

  it('verifies with the last 4 digits and then quotes the balance', () => {
    const chat = new Chat(
      bundle,
      factsFor({ nextInstallment: { amount: 25_000_00, dueDate: '2026-03-20' } }),
    );
    const result = chat.verify();
    expect(actionTypes(result)).toEqual(['identity_verified', 'balance_disclosed']);
    expect(result.actions[1]).toEqual({
      type: 'balance_disclosed',
      amount: 150_000_00,
      currency: 'ARS',
    });
    expect(texts(result)[0]).toBe(
      'Gracias, María. Tu saldo pendiente de Tarjeta Visa con Banco Sol es de $\u00a0150.000,00. Lleva 45 días de atraso. Tu próxima cuota es de $\u00a025.000,00 y vence el viernes, 20 de marzo.',
    );
    expect(result.replies[1]?.options?.map((o) => o.id)).toEqual(['pay_now', 'pick_date', 'plan']);
    expect(result.state.isVerified).toBe(true);
    expect(result.effects).toContainEqual({
      type: 'schedule_follow_up',
      after: 'PT4H',
      messageKey: 'silence.nudge',
      stepId: 'balance',
    });
  });

  it('limits wrong answers, then locks, escalates and goes silent', () => {
    const chat = new Chat(bundle);
    chat.send(understood('greet'), 'hola');
    const first = chat.send(understood('unknown', { digits: '1111' }, 0.3), '1111');
    expect(first.actions).toEqual([{ type: 'identity_failed', attempt: 1, isLocked: false }]);
    expect(texts(first)[0]).toContain('Te quedan 2 intentos.');
    const second = chat.send(understood('unknown', { digits: '2222' }, 0.3), '2222');
    expect(texts(second)[0]).toContain('Te queda 1 intento.');
    const third = chat.send(understood('unknown', { digits: '3333' }, 0.3), '3333');
    expect(third.actions).toEqual([
      { type: 'identity_failed', attempt: 3, isLocked: true },
      { type: 'escalated', reason: 'identity_locked' },
    ]);
    expect(third.state).toMatchObject({
      isIdentityLocked: true,
      owner: 'agent',
      isVerified: false,
    });
    const after = chat.send(understood('unknown', { digits: '3456' }, 0.3), '3456');
    expect(after.replies).toEqual([]);
    expect(after.actions).toEqual([]);
    expectNoDisclosure(chat.results);
  });

  it('answers "who is this?" without saying who the creditor is', () => {
    const chat = new Chat(bundle);
    chat.send(understood('greet'), 'hola');
    const result = chat.send(understood('ask_identity'), '¿quién es?');
    expect(result.replies.map((r) => r.messageKey)).toEqual([
      'who_we_are.before_verification',
      'identity.ask_again',
    ]);
    expectNoDisclosure(chat.results);
  });
});

describe('promise to pay', () => {
  it('restates amount and date, and records only after an explicit yes', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const offered = chat.send(
      understood('promise_to_pay', { date: date('2026-03-13') }),
      'pago el viernes',
    );
    expect(offered.actions).toEqual([]);
    expect(texts(offered)).toEqual([
      'Entonces pagarías $\u00a0150.000,00 el viernes, 13 de marzo. ¿Lo confirmo?',
    ]);
    expect(offered.replies[0]?.options).toEqual([
      { id: 'yes', label: 'Sí' },
      { id: 'no', label: 'No' },
    ]);
    expect(offered.state.pendingOffer).toEqual({
      kind: 'promise',
      amount: 150_000_00,
      currency: 'ARS',
      dueDate: '2026-03-13',
    });
    const recorded = chat.send(understood('unknown', { choice: 'yes' }, 0), '');
    expect(recorded.actions).toEqual([
      { type: 'promise_recorded', amount: 150_000_00, currency: 'ARS', dueDate: '2026-03-13' },
    ]);
    expect(texts(recorded)[0]).toBe(
      'Listo, quedó registrado: $\u00a0150.000,00 el viernes, 13 de marzo. Gracias por tu compromiso. 🙌',
    );
    expect(recorded.state.pendingOffer).toBeNull();
  });

  it('counters a date beyond policy with the last allowed date', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const countered = chat.send(
      understood('promise_to_pay', { date: date('2026-04-30') }),
      'a fin de abril',
    );
    expect(texts(countered)[0]).toBe(
      'Puedo agendarlo como máximo para el miércoles, 25 de marzo. ¿Te sirve pagar $\u00a0150.000,00 el miércoles, 25 de marzo?',
    );
    const yes = chat.send(understood('affirm'), 'dale');
    expect(yes.actions).toEqual([
      { type: 'promise_recorded', amount: 150_000_00, currency: 'ARS', dueDate: '2026-03-25' },
    ]);
  });

  it('asks for the date and keeps the amount named before', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const ask = chat.send(
      understood('promise_to_pay', {
        amount: { amount: minor(50_000_00), currency: currency('ARS') },
      }),
      'puedo pagar 50 mil',
    );
    expect(ask.replies.map((r) => r.messageKey)).toEqual(['promise.ask_date']);
    const confirm = chat.send(
      understood('promise_to_pay', { date: date('2026-03-16') }),
      'el lunes',
    );
    expect(texts(confirm)[0]).toBe(
      'Entonces pagarías $\u00a050.000,00 el lunes, 16 de marzo. ¿Lo confirmo?',
    );
  });

  it('never records on a no, a low-confidence yes, or a yes with nothing offered', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const lone = chat.send(understood('affirm'), 'sí');
    expect(lone.actions).toEqual([]);
    chat.send(understood('promise_to_pay', { date: date('2026-03-13') }), 'el viernes');
    const unsure = chat.send(
      understood('affirm', {}, 0.4, [{ intent: 'deny', confidence: 0.3 }]),
      'mmm puede ser',
    );
    expect(unsure.actions).toEqual([]);
    expect(unsure.replies[0]?.messageKey).toBe('clarify.ask');
    expect(unsure.replies[0]?.options).toEqual([
      { id: 'intent:affirm', label: 'Sí' },
      { id: 'intent:deny', label: 'No' },
    ]);
    const no = chat.send(understood('unknown', { choice: 'intent:deny' }, 0), '');
    expect(no.actions).toEqual([]);
    expect(no.state.stepId).toBe('promise_declined');
    expect(chat.results.flatMap((r) => actionTypes(r))).not.toContain('promise_recorded');
  });
});

describe('installment plans', () => {
  it('accepts "en 3 cuotas" and creates the plan only after an explicit yes', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const offered = chat.send(understood('propose_plan', { installmentCount: 3 }), 'en 3 cuotas');
    expect(offered.actions).toEqual([
      {
        type: 'plan_offered',
        installments: [
          { amount: 50_000_00, dueDate: '2026-03-17' },
          { amount: 50_000_00, dueDate: '2026-04-17' },
          { amount: 50_000_00, dueDate: '2026-05-17' },
        ],
        total: 150_000_00,
        currency: 'ARS',
      },
    ]);
    expect(texts(offered)[0]).toBe(
      'Puedo ofrecerte 3 cuotas mensuales: todas de $\u00a050.000,00, empezando el martes, 17 de marzo. Total: $\u00a0150.000,00. ¿Lo confirmo?',
    );
    const created = chat.send(understood('affirm'), 'sí');
    expect(actionTypes(created)).toEqual(['plan_created']);
    expect(created.actions[0]).toMatchObject({ total: 150_000_00, currency: 'ARS' });
  });

  it('counters 24 cuotas with the policy maximum', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const countered = chat.send(
      understood('propose_plan', { installmentCount: 24 }),
      'en 24 cuotas',
    );
    expect(texts(countered)[0]).toMatch(
      /^Lo máximo que puedo ofrecerte son 6 cuotas\. Serían 6 cuotas mensuales/,
    );
    expect(countered.state.pendingOffer?.kind).toBe('plan');
  });

  it('turns "puedo dar 20 mil por mes" into a count within policy', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const countered = chat.send(
      understood('propose_plan', {
        amount: { amount: minor(20_000_00), currency: currency('ARS') },
        frequency: 'monthly',
      }),
      'puedo dar 20 mil por mes',
    );
    const offer = countered.state.pendingOffer;
    expect(offer?.kind).toBe('plan');
    if (offer?.kind !== 'plan') return;
    expect(offer.installments).toHaveLength(6);
    expect(offer.installments.reduce((s, i) => s + i.amount, 0)).toBe(150_000_00);
  });

  it('routes a quick reply by id', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const result = chat.send(understood('unknown', { choice: 'plan' }, 0), '');
    expect(actionTypes(result)).toEqual(['plan_offered']);
    expect(result.state.stepId).toBe('plan_counter');
  });
});

describe('payment claims, disputes and hardship', () => {
  it('asks for date and amount, then records the claim and pauses reminders', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const ask = chat.send(understood('payment_claim'), 'ya pagué');
    expect(ask.replies.map((r) => r.messageKey)).toEqual(['claim.ask']);
    expect(ask.actions).toEqual([]);
    const recorded = chat.send(
      understood('unknown', {
        date: date('2026-03-08'),
        amount: { amount: minor(150_000_00), currency: currency('ARS') },
      }),
      'el domingo, todo',
    );
    expect(recorded.actions).toEqual([
      { type: 'payment_claimed', date: '2026-03-08', amount: 150_000_00 },
    ]);
    expect(recorded.effects).toEqual([{ type: 'pause_reminders', reason: 'payment_claim' }]);
    expect(recorded.state.isPaused).toBe(true);
  });

  it('leaves out a claimed payment date that lies in the future', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const recorded = chat.send(
      understood('payment_claim', {
        date: date('2027-03-05'),
        amount: { amount: minor(150_000_00), currency: currency('ARS') },
      }),
      'el 5 de marzo pagué todo',
    );
    expect(recorded.actions).toEqual([{ type: 'payment_claimed', amount: 150_000_00 }]);
  });

  it('records a dispute before verification without disclosing anything, and escalates', () => {
    const chat = new Chat(bundle);
    chat.send(understood('greet'), 'hola');
    const result = chat.send(understood('dispute'), 'yo no debo nada, no reconozco esa deuda');
    expect(result.actions).toEqual([
      { type: 'dispute_recorded' },
      { type: 'escalated', reason: 'dispute' },
    ]);
    expect(result.effects).toEqual([
      { type: 'pause_reminders', reason: 'dispute' },
      { type: 'assign_agent', reason: 'dispute' },
    ]);
    expect(result.state).toMatchObject({ isDisputed: true, isPaused: true, owner: 'agent' });
    expectNoDisclosure(chat.results);
  });

  it('offers the gentlest plan on hardship, without asking why', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const result = chat.send(understood('hardship'), 'me quedé sin trabajo');
    expect(actionTypes(result)).toEqual(['hardship_flagged', 'plan_offered']);
    const offer = result.state.pendingOffer;
    expect(offer?.kind === 'plan' && offer.installments.length).toBe(6);
    expect(offer?.kind === 'plan' && offer.installments[0]?.dueDate).toBe('2026-03-25');
    expect(texts(result).join(' ')).not.toMatch(/por qué|motivo|razón/i);
    const created = chat.send(understood('affirm'), 'sí, gracias');
    expect(actionTypes(created)).toEqual(['plan_created']);
  });
});

describe('exits', () => {
  it('marks a wrong number before verification, discloses nothing, then stays silent', () => {
    const chat = new Chat(bundle);
    const result = chat.send(understood('wrong_number'), 'acá no vive ninguna María');
    expect(result.actions).toEqual([{ type: 'wrong_number' }]);
    expect(result.effects).toEqual([
      { type: 'stop_contact', reason: 'wrong_number', channel: 'whatsapp' },
    ]);
    expect(texts(result)).toEqual([
      'Disculpa la molestia. No volveremos a escribir a este número.',
    ]);
    expect(chat.send(understood('greet'), 'hola?').replies).toEqual([]);
    expectNoDisclosure(chat.results);
  });

  it('hands over to a person and stays silent until handed back', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const handoff = chat.send(understood('talk_to_human'), 'quiero hablar con una persona');
    expect(handoff.actions).toEqual([{ type: 'escalated', reason: 'talk_to_human' }]);
    expect(handoff.state.owner).toBe('agent');
    expect(chat.send(understood('ask_balance'), '¿hola?').replies).toEqual([]);
    chat.state = handBack(chat.state);
    expect(chat.send(understood('ask_balance'), '¿cuánto es?').replies.length).toBeGreaterThan(0);
  });

  it('confirms an opt-out once and never replies on that channel again', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const optOut = chat.send(understood('opt_out'), 'no me escriban más');
    expect(optOut.actions).toEqual([{ type: 'opted_out', channel: 'whatsapp' }]);
    expect(texts(optOut)).toEqual(['Entendido. No te enviaremos más mensajes por este medio.']);
    expect(chat.send(understood('ask_balance'), '¿cuánto debo?').replies).toEqual([]);
    chat.channel = 'sms';
    expect(chat.send(understood('ask_balance'), '¿cuánto debo?').replies.length).toBeGreaterThan(0);
  });

  it('answers abuse calmly and escalates; distress includes the help line', () => {
    const abuse = new Chat(bundle).send(understood('abuse'), '...');
    expect(abuse.actions).toEqual([{ type: 'escalated', reason: 'abuse' }]);
    expect(abuse.replies.map((r) => r.messageKey)).toEqual(['abuse.reply']);
    const distress = new Chat(bundle).send(understood('distress'), 'ya no puedo más');
    expect(distress.replies.map((r) => r.messageKey)).toEqual([
      'distress.reply',
      'distress.help_line',
    ]);
    expect(distress.actions).toEqual([{ type: 'escalated', reason: 'distress' }]);
  });

  it('re-asks differently, then escalates after the no-match limit', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const first = chat.send(understood('unknown', {}, 0.1), 'asdf');
    expect(first.replies.map((r) => r.messageKey)).toEqual(['fallback.rephrase']);
    expect(first.replies[0]?.options?.map((o) => o.id)).toEqual(['pay_now', 'pick_date', 'plan']);
    chat.send(understood('unknown', {}, 0.1), 'qwer');
    const third = chat.send(understood('unknown', {}, 0.1), 'zxcv');
    expect(third.actions).toEqual([{ type: 'escalated', reason: 'no_match' }]);
    expect(third.replies.map((r) => r.messageKey)).toEqual(['handoff.no_match']);
  });
});

describe('other locales and settlement', () => {
  it('runs the journey in English with USD', () => {
    const chat = new Chat(
      bundle,
      factsFor({ locale: 'en-US', currency: 'USD', balance: 1_250_00, documentId: 'A-99887766' }),
    );
    chat.send(understood('greet'), 'hi');
    const verified = chat.send(understood('unknown', { digits: '7766' }, 0.3), '7766');
    expect(texts(verified)[0]).toBe(
      'Thank you, María. Your outstanding balance for Tarjeta Visa with Banco Sol is $1,250.00. It is 45 days overdue.',
    );
    const plan = chat.send(understood('propose_plan', { installmentCount: 3 }), '3 installments');
    expect(texts(plan)[0]).toBe(
      'I can offer you 3 monthly installments: a first one of $416.68 and 2 more of $416.66, starting Tuesday, March 17. Total: $1,250.00. Shall I confirm it?',
    );
    expect(plan.replies[0]?.locale).toBe('en');
  });

  it('runs the journey in Brazilian Portuguese with BRL', () => {
    const chat = new Chat(
      bundle,
      factsFor({ locale: 'pt-BR', currency: 'BRL', balance: 1_250_00 }),
    );
    chat.verify();
    const promise = chat.send(
      understood('promise_to_pay', { date: date('2026-03-13') }),
      'pago sexta',
    );
    expect(promise.replies[0]?.locale).toBe('pt-BR');
    expect(texts(promise)[0]).toBe(
      'Então você pagaria R$\u00a01.250,00 em sexta-feira, 13 de março. Posso confirmar?',
    );
  });

  it('answers a pt-PT debtor from the pt-BR catalog, formatted for pt-PT', () => {
    const chat = new Chat(
      bundle,
      factsFor({ locale: 'pt-PT', currency: 'EUR', balance: 1_250_00 }),
    );
    const greeting = chat.send(understood('greet'), 'olá');
    expect(greeting.replies.map((r) => r.locale)).toEqual(['pt-BR', 'pt-BR']);
    expect(texts(greeting)[0]).toBe('Olá María, aqui é um assistente virtual. 👋');
  });

  it('offers a settlement discount where the policy allows one', () => {
    const chat = new Chat(bundle, factsFor({ daysPastDue: 120 }));
    chat.verify();
    const offer = chat.send(understood('ask_discount'), '¿hay descuento?');
    expect(texts(offer)[0]).toBe(
      'Si pagas el total antes del viernes, 20 de marzo, el monto queda en $\u00a0127.500,00 (te ahorras $\u00a022.500,00). ¿Te lo agendo?',
    );
    const yes = chat.send(understood('affirm'), 'sí');
    expect(yes.actions).toEqual([
      { type: 'promise_recorded', amount: 127_500_00, currency: 'ARS', dueDate: '2026-03-20' },
    ]);
  });
});

describe('robustness', () => {
  it('keeps the amount on the table when only the date changes', () => {
    const chat = new Chat(bundle);
    chat.verify();
    chat.send(
      understood('promise_to_pay', {
        amount: { amount: minor(50_000_00), currency: currency('ARS') },
        date: date('2026-03-13'),
      }),
      '50 mil el viernes',
    );
    const moved = chat.send(
      understood('promise_to_pay', { date: date('2026-03-16') }),
      'mejor el lunes',
    );
    expect(moved.state.pendingOffer).toMatchObject({ amount: 50_000_00, dueDate: '2026-03-16' });
  });

  it('ignores a clarifying choice that was not offered', () => {
    const chat = new Chat(bundle);
    chat.verify();
    chat.send(understood('promise_to_pay', { date: date('2026-03-13') }), 'el viernes');
    chat.send(understood('deny', {}, 0.4, [{ intent: 'thanks', confidence: 0.3 }]), 'mmm');
    const forged = chat.send(understood('unknown', { choice: 'intent:affirm' }, 0), '');
    expect(forged.actions).toEqual([]);
  });

  it('records a clear opt-out even while an agent owns the conversation', () => {
    const chat = new Chat(bundle);
    chat.verify();
    chat.send(understood('talk_to_human'), 'una persona por favor');
    const optOut = chat.send(understood('opt_out'), 'no me escriban más');
    expect(optOut.replies).toEqual([]);
    expect(optOut.actions).toEqual([{ type: 'opted_out', channel: 'whatsapp' }]);
    expect(optOut.state.optedOutChannels).toEqual(['whatsapp']);
  });

  it('survives a flow version that no longer has the current step', () => {
    const chat = new Chat(bundle);
    chat.verify();
    chat.state = { ...chat.state, stepId: 'removed_in_v2', flowVersion: 0 };
    const result = chat.send(understood('ask_balance'), '¿cuánto debo?');
    expect(actionTypes(result)).toEqual(['balance_disclosed']);
    expect(result.state.flowVersion).toBe(1);

    const unverified = new Chat(bundle);
    unverified.state = { ...unverified.state, stepId: 'removed_in_v2' };
    const restart = unverified.send(understood('ask_balance'), '¿cuánto debo?');
    expect(restart.replies.map((r) => r.messageKey)).toEqual(['greeting', 'identity.ask']);
  });
});

describe('identity methods', () => {
  function run(flow: Flow, turns: [ReturnType<typeof understood>, string][]): StepResult[] {
    let state = initialState(flow);
    return turns.map(([understanding, text]) => {
      const result = step({
        flow,
        policy: bundle.policy,
        catalog: bundle.catalogs,
        state,
        understanding,
        text,
        facts: factsFor(),
        now,
        channel: 'web',
      });
      state = result.state;
      return result;
    });
  }

  it('full_document needs every digit of the document', () => {
    const flow: Flow = {
      ...bundle.flows.default!,
      identity: { method: 'full_document', maxAttempts: 2 },
    };
    const [, partial, full] = run(flow, [
      [understood('greet'), 'hola'],
      [understood('unknown', {}, 0.2), '3456'],
      [understood('unknown', {}, 0.2), '30.123.456'],
    ]);
    expect(partial!.actions).toEqual([{ type: 'identity_failed', attempt: 1, isLocked: false }]);
    expect(actionTypes(full!)).toEqual(['identity_verified', 'balance_disclosed']);
  });

  it('none trusts the channel and starts verified', () => {
    const flow: Flow = { ...bundle.flows.default!, identity: { method: 'none', maxAttempts: 3 } };
    expect(initialState(flow).isVerified).toBe(true);
  });

  it('tells the understander which intents the current step expects', () => {
    const chat = new Chat(bundle);
    chat.verify();
    chat.send(understood('promise_to_pay', { date: date('2026-03-13') }), 'el viernes');
    expect(expectedIntents(bundle.flows.default!, chat.state)).toEqual(
      expect.arrayContaining(['affirm', 'deny', 'promise_to_pay']),
    );
  });
});

describe('clarifying questions', () => {
  it('escalate instead of asking forever', () => {
    const chat = new Chat(bundle);
    chat.verify();
    const unsure = (): StepResult =>
      chat.send(
        understood('promise_to_pay', {}, 0.3, [{ intent: 'ask_plan', confidence: 0.2 }]),
        'mmm',
      );
    expect(unsure().replies.map((r) => r.messageKey)).toEqual(['clarify.ask']);
    expect(unsure().replies.map((r) => r.messageKey)).toEqual(['clarify.ask']);
    const third = unsure();
    expect(third.actions).toEqual([{ type: 'escalated', reason: 'no_match' }]);
    expect(third.state.clarifying).toBeNull();
  });
});
