/**
 * The conversation engine: one pure step per inbound message, modelled on XState's
 * `transition()`. It reads the state, the flow, the policy and the facts, and returns the next
 * state plus what to send, what to record and what to do; the app performs all of it in one
 * transaction. The engine decides money, dates and acceptance; the understanding only proposes.
 */
import { daysBetween, localDateIn, type LocalDate } from '../dates.js';
import { AppError, assertNever } from '../errors.js';
import type { Flow, FlowActionName, FlowOutcome, FlowStep } from '../flow/schema.js';
import { globalIntents } from '../flow/schema.js';
import { renderMessage, resolveCatalogLocale, type MessageVars } from '../messages/render.js';
import { minor, type Minor } from '../money.js';
import { evaluatePlan, gentlestPlan, type PlanOffer } from '../negotiation/plan.js';
import { ruleFor, type NegotiationRule, type PolicyAccount } from '../negotiation/policy.js';
import { evaluatePromise, settlementOffer } from '../negotiation/promise.js';
import type { Entities, Intent } from '../understanding/types.js';
import type {
  ConversationState,
  EngineAction,
  EngineEffect,
  PendingOffer,
  Reply,
  StepInput,
  StepResult,
} from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The most steps one turn may pass through (outcomes and `next`); more is a flow bug. */
const maxStepsPerTurn = 20;

/** The state of a conversation that has not started yet. */
export function initialState(flow: Flow): ConversationState {
  return {
    flowId: flow.id,
    flowVersion: flow.version,
    stepId: null,
    isVerified: flow.identity.method === 'none',
    identityAttempts: 0,
    isIdentityLocked: false,
    noMatchCount: 0,
    pendingOffer: null,
    draftAmount: null,
    owner: 'bot',
    isPaused: false,
    optedOutChannels: [],
    isWrongNumber: false,
    isDisputed: false,
    hasHardship: false,
    hasAskedClaimDetails: false,
    lastIntent: null,
    clarifying: null,
  };
}

/** An agent hands the conversation back to the bot; it resumes at the step it was on. */
export function handBack(state: ConversationState): ConversationState {
  return { ...state, owner: 'bot', noMatchCount: 0, clarifying: null };
}

/** True when the bot must not answer at all (agent owns it, opted out here, wrong number). */
export function isSilent(state: ConversationState, channel: StepInput['channel']): boolean {
  return state.owner === 'agent' || state.isWrongNumber || state.optedOutChannels.includes(channel);
}

/** Intents the conversation's current step routes on: a hint for the understander. */
export function expectedIntents(flow: Flow, state: ConversationState): Intent[] {
  const current = state.stepId === null ? undefined : flow.steps[state.stepId];
  const own = current ? (Object.keys(current.on) as Intent[]) : [];
  const options = current ? current.options.map((o) => o.intent) : [];
  return [...new Set([...own, ...options])];
}

interface Turn {
  readonly input: StepInput;
  readonly flow: Flow;
  readonly state: Mutable<ConversationState>;
  readonly replies: Reply[];
  readonly actions: EngineAction[];
  readonly effects: EngineEffect[];
  intent: Intent;
  confidence: number;
  entities: Entities;
  readonly today: LocalDate;
  readonly account: PolicyAccount;
  readonly rule: NegotiationRule;
  readonly catalogLocale: string;
  /** Variables set by this turn's actions (a counter's reason, a discount). */
  readonly extraVars: Record<string, MessageVars[string]>;
}

/**
 * Handles one debtor message. Pure: the same input always yields the same output. Throws
 * AppError('internal') only for flow bugs the loader should have caught.
 */
export function step(input: StepInput): StepResult {
  const { flow, state: previous, facts, now, channel } = input;
  if (isSilent(previous, channel)) return silentStep(input);
  const account: PolicyAccount = {
    balance: facts.account.balance,
    currency: facts.account.currency,
    daysPastDue: facts.account.daysPastDue,
    segment: facts.account.segment ?? facts.debtor.segment,
  };
  const turn: Turn = {
    input,
    flow,
    state: { ...previous },
    replies: [],
    actions: [],
    effects: [],
    intent: input.understanding.intent,
    confidence: input.understanding.confidence,
    entities: input.understanding.entities,
    today: localDateIn(now, facts.debtor.timeZone),
    account,
    rule: ruleFor(input.policy, account),
    catalogLocale: resolveCatalogLocale(input.catalog, facts.debtor.locale),
    extraVars: {},
  };
  turn.state.flowId = flow.id;
  turn.state.flowVersion = flow.version;
  resolveChoice(turn);
  turn.state.lastIntent = turn.intent;
  route(turn);
  return {
    state: turn.state,
    replies: turn.replies,
    actions: turn.actions,
    effects: turn.effects,
  };
}

/**
 * A quick reply or a clarifying answer counts as its intent, with full confidence. Debtors on
 * text-only channels (SMS, WhatsApp without buttons) answer by typing the option's number
 * ("2") or its label ("Elegir fecha"), so both count as picking it. After a clarifying
 * question, an answer that points to exactly one of the offered intents picks it too, with
 * the entities of the question's turn kept ("voy a pagar 300 mil" ... "el lunes").
 */
function resolveChoice(turn: Turn): void {
  const clarifying = turn.state.clarifying;
  turn.state.clarifying = null;
  if (clarifying) {
    const offered = clarifying.intents.map((intent) => ({
      id: `intent:${intent}`,
      labelKey: `intent.${intent}`,
      intent,
    }));
    const picked = pickOffered(turn, offered) ?? soleOfferedIntent(turn, clarifying.intents);
    if (picked !== undefined) {
      turn.intent = picked;
      turn.confidence = 1;
      turn.entities = { ...clarifying.entities, ...withoutChoice(turn.entities) };
      return;
    }
  }
  const current = turn.state.stepId === null ? undefined : turn.flow.steps[turn.state.stepId];
  const options = (current?.options ?? []).map((o) => ({
    id: o.id,
    labelKey: o.label,
    intent: o.intent,
  }));
  const picked = pickOffered(turn, options);
  if (picked !== undefined) {
    turn.intent = picked;
    turn.confidence = 1;
  }
}

/** The offered choice the debtor picked: by id (a button), by number, or by typing its label. */
function pickOffered(
  turn: Turn,
  offered: readonly { id: string; labelKey: string; intent: Intent }[],
): Intent | undefined {
  const choice = turn.entities.choice;
  if (choice !== undefined) {
    const byId = offered.find((o) => o.id === choice);
    if (byId) return byId.intent;
    const index = /^\d{1,2}$/.test(choice) ? Number(choice) - 1 : -1;
    const byNumber = offered[index];
    if (byNumber) return byNumber.intent;
  }
  const typed = comparable(turn.input.text);
  if (typed === '') return undefined;
  const { catalog, facts } = turn.input;
  return offered.find(
    (o) => comparable(renderMessage(catalog, o.labelKey, {}, facts.debtor.locale)) === typed,
  )?.intent;
}

/**
 * The one offered intent the answer points to, when it points to exactly one. Never a yes:
 * a yes that records money must be explicit on its own.
 */
function soleOfferedIntent(turn: Turn, offered: readonly Intent[]): Intent | undefined {
  const { understanding } = turn.input;
  if (understanding.intent === 'affirm' || !offered.includes(understanding.intent))
    return undefined;
  const rivals = understanding.alternatives.filter(
    (a) => a.intent !== understanding.intent && offered.includes(a.intent),
  );
  return rivals.length === 0 ? understanding.intent : undefined;
}

/** Text reduced for comparing a typed answer with a label: lower case, no accents or marks. */
function comparable(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function withoutChoice(entities: Entities): Entities {
  const rest: Mutable<Entities> = { ...entities };
  delete rest.choice;
  return rest;
}

function isGlobal(intent: Intent): intent is (typeof globalIntents)[number] {
  return (globalIntents as readonly string[]).includes(intent);
}

function route(turn: Turn): void {
  const { flow, state } = turn;
  const isConfident = turn.confidence >= flow.confidenceThreshold;
  const globalTarget = isGlobal(turn.intent) ? flow.globals[turn.intent] : undefined;

  if (globalTarget !== undefined && isConfident) {
    clearOffer(turn);
    enter(turn, globalTarget);
    return;
  }
  const known = state.stepId === null ? undefined : flow.steps[state.stepId];
  if (!known && !state.isVerified) {
    // A new conversation, or one whose step a newer flow version no longer has.
    enter(turn, flow.start);
    return;
  }
  const current = known ?? detachedStep;
  const ownTarget = current.on[turn.intent];
  if (ownTarget !== undefined && isConfident) {
    enter(turn, ownTarget);
    return;
  }
  const routeTarget = state.isVerified ? flow.routes[turn.intent] : undefined;
  if (routeTarget !== undefined && isConfident) {
    clearOffer(turn);
    enter(turn, routeTarget);
    return;
  }
  if (current.otherwise !== undefined) {
    enter(turn, current.otherwise);
    return;
  }
  const wouldRoute = globalTarget ?? ownTarget ?? routeTarget;
  if (turn.intent !== 'unknown' && wouldRoute !== undefined && !isConfident) {
    if (!hasExhaustedNoMatch(turn, current)) clarify(turn);
    return;
  }
  if (!hasExhaustedNoMatch(turn, current)) {
    say(
      turn,
      current.noMatch?.say ?? turn.flow.noMatch.say,
      current.options.map((o) => ({ id: o.id, labelKey: o.label })),
    );
  }
}

/** Where a verified conversation stands when its step no longer exists: only `routes` apply. */
const detachedStep: FlowStep = {
  public: false,
  actions: [],
  say: [],
  options: [],
  on: {},
  outcomes: {},
};

/**
 * The bot is silent (an agent owns the conversation, a wrong number, an opt-out here), but a
 * clear opt-out is still recorded: nobody should have to ask twice.
 */
function silentStep(input: StepInput): StepResult {
  const { state, understanding, channel, flow } = input;
  const actions: EngineAction[] = [];
  const effects: EngineEffect[] = [];
  let optedOutChannels = state.optedOutChannels;
  if (
    understanding.intent === 'opt_out' &&
    understanding.confidence >= flow.confidenceThreshold &&
    !optedOutChannels.includes(channel)
  ) {
    optedOutChannels = [...optedOutChannels, channel];
    actions.push({ type: 'opted_out', channel });
    effects.push({ type: 'stop_contact', reason: 'opted_out', channel });
  }
  return {
    state: { ...state, optedOutChannels, lastIntent: understanding.intent },
    replies: [],
    actions,
    effects,
  };
}

function clearOffer(turn: Turn): void {
  turn.state.pendingOffer = null;
  turn.state.draftAmount = null;
}

function stepOf(flow: Flow, id: string): FlowStep {
  const found = flow.steps[id];
  if (!found)
    throw new AppError('internal', `flow ${flow.id}@${flow.version}: unknown step "${id}"`);
  return found;
}

/** Asks which of the likely intents the debtor meant, as quick replies. */
function clarify(turn: Turn): void {
  const { understanding } = turn.input;
  const candidates = [understanding.intent, ...understanding.alternatives.map((a) => a.intent)]
    .filter((intent, i, all) => intent !== 'unknown' && all.indexOf(intent) === i)
    .slice(0, 3);
  turn.state.clarifying = { intents: candidates, entities: withoutChoice(understanding.entities) };
  say(
    turn,
    'clarify.ask',
    candidates.map((intent) => ({ id: `intent:${intent}`, labelKey: `intent.${intent}` })),
  );
}

/**
 * Counts a turn the step could not act on (no match, or a clarifying question). Past the
 * step's (or the flow's) limit it escalates and returns true; otherwise the caller re-asks.
 */
function hasExhaustedNoMatch(turn: Turn, current: FlowStep): boolean {
  const max = current.noMatch?.max ?? turn.flow.noMatch.max;
  turn.state.noMatchCount += 1;
  if (turn.state.noMatchCount <= max) return false;
  turn.state.clarifying = null;
  enter(turn, turn.flow.noMatch.escalateTo, 'no_match');
  return true;
}

function enter(turn: Turn, targetId: string, reason?: string): void {
  const { flow, state } = turn;
  let id: string | undefined = targetId;
  let escalationReason = reason;
  for (let hops = 0; id !== undefined; hops += 1) {
    if (hops >= maxStepsPerTurn) {
      throw new AppError(
        'internal',
        `flow ${flow.id}@${flow.version}: more than ${maxStepsPerTurn} steps in one turn`,
      );
    }
    let current = stepOf(flow, id);
    if (!current.public && !state.isVerified) {
      // A safety net: the loader rejects flows that disclose before verification, and this
      // keeps any route into a non-public step behind the identity check.
      id = flow.start;
      current = stepOf(flow, id);
    }
    state.stepId = id;
    state.noMatchCount = 0;

    let redirect: string | undefined;
    for (const action of current.actions) {
      const outcome = perform(turn, action, current, escalationReason);
      const target = outcome === undefined ? undefined : current.outcomes[outcome];
      if (target !== undefined) {
        redirect = target;
        break;
      }
    }
    escalationReason = undefined;
    if (redirect !== undefined) {
      id = redirect;
      continue;
    }
    const options = current.options.map((o) => ({ id: o.id, labelKey: o.label }));
    current.say.forEach((key, i) => say(turn, key, i === current.say.length - 1 ? options : []));
    if (current.silence) {
      turn.effects.push({
        type: 'schedule_follow_up',
        after: current.silence.after,
        messageKey: current.silence.say,
        stepId: id,
      });
    }
    id = current.next;
  }
}

function say(turn: Turn, key: string, options: readonly { id: string; labelKey: string }[]): void {
  const { input, flow } = turn;
  const vars = messageVars(turn);
  const render = (k: string): string =>
    renderMessage(input.catalog, k, vars, input.facts.debtor.locale);
  const reply: Mutable<Reply> = {
    text: render(key),
    messageKey: key,
    flowId: flow.id,
    flowVersion: flow.version,
    locale: turn.catalogLocale,
  };
  if (options.length > 0)
    reply.options = options.map((o) => ({ id: o.id, label: render(o.labelKey) }));
  turn.replies.push(reply);
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

/**
 * Variables for messages. Before identity is verified only the first name and the attempts
 * left exist, so no message can say anything about the debt even if a flow tried to.
 */
function messageVars(turn: Turn): MessageVars {
  const { state, flow } = turn;
  const { debtor, account } = turn.input.facts;
  const vars: Record<string, MessageVars[string]> = {
    name: firstName(debtor.name),
    remaining: Math.max(0, flow.identity.maxAttempts - state.identityAttempts),
  };
  if (!state.isVerified) return vars;
  const currency = account.currency;
  Object.assign(vars, {
    balance: { money: { amount: account.balance, currency } },
    creditor: account.creditorName,
    product: account.product ?? '',
    hasProduct: account.product ? 'yes' : 'no',
    daysPastDue: account.daysPastDue,
    dueDate: { date: account.dueDate },
    paymentDetails: account.paymentDetails,
    hasNext: account.nextInstallment ? 'yes' : 'no',
    hasMinPayment: account.minPayment === undefined ? 'no' : 'yes',
    minPayment: { money: { amount: account.minPayment ?? minor(0), currency } },
  });
  if (account.nextInstallment) {
    vars.nextAmount = { money: { amount: account.nextInstallment.amount, currency } };
    vars.nextDate = { date: account.nextInstallment.dueDate };
  }
  const offer = state.pendingOffer;
  if (offer) Object.assign(vars, offerVars(offer));
  Object.assign(vars, turn.extraVars);
  return vars;
}

function offerVars(offer: PendingOffer): MessageVars {
  switch (offer.kind) {
    case 'promise':
      return {
        amount: { money: { amount: offer.amount, currency: offer.currency } },
        date: { date: offer.dueDate },
      };
    case 'plan': {
      const [first] = offer.installments;
      const last = offer.installments[offer.installments.length - 1];
      if (!first || !last) throw new AppError('internal', 'a plan offer without installments');
      const money = (amount: Minor): MessageVars[string] => ({
        money: { amount, currency: offer.currency },
      });
      return {
        count: offer.installments.length,
        rest: offer.installments.length - 1,
        shape: offer.installments.every((i) => i.amount === first.amount)
          ? 'even'
          : 'first_differs',
        installment: money(last.amount),
        firstInstallment: money(first.amount),
        firstDate: { date: first.dueDate },
        total: money(offer.total),
        frequency: offer.frequency,
      };
    }
    default:
      return assertNever(offer, 'offer');
  }
}

function planToOffer(plan: PlanOffer): PendingOffer {
  return {
    kind: 'plan',
    installments: plan.installments.map((i) => ({ amount: i.amount, dueDate: i.dueDate })),
    total: plan.total,
    currency: plan.currency,
    frequency: plan.frequency,
  };
}

/** The amount the debtor named, if it is in the account's currency. */
function namedAmount(turn: Turn): Minor | undefined {
  const { amount, foreignCurrency } = turn.entities;
  if (foreignCurrency !== undefined || !amount) return undefined;
  return amount.currency === turn.account.currency ? amount.amount : undefined;
}

function namedDate(turn: Turn): LocalDate | undefined {
  const date = turn.entities.date;
  return date?.kind === 'date' ? date.date : undefined;
}

/** Only an explicit, confident yes turns an offer into a promise or a plan. */
function isExplicitYes(turn: Turn): boolean {
  return turn.intent === 'affirm' && turn.confidence >= turn.flow.confidenceThreshold;
}

function digitsOnly(text: string): string {
  return text.replace(/\D/g, '');
}

function perform(
  turn: Turn,
  action: FlowActionName,
  current: FlowStep,
  reason: string | undefined,
): FlowOutcome | undefined {
  const { state, input, flow } = turn;
  const { facts, channel } = input;
  switch (action) {
    case 'verify_identity': {
      if (state.isVerified) return 'verified';
      if (state.isIdentityLocked) return 'locked';
      const answer = digitsOnly(turn.entities.digits ?? input.text);
      if (answer === '') return 'missing';
      const onFile = digitsOnly(facts.debtor.documentId ?? '');
      const isMatch =
        onFile.length >= 4 &&
        (flow.identity.method === 'last4'
          ? answer === onFile.slice(-4) || answer === onFile
          : answer === onFile);
      if (isMatch) {
        state.isVerified = true;
        turn.actions.push({ type: 'identity_verified' });
        return 'verified';
      }
      state.identityAttempts += 1;
      const isLocked = state.identityAttempts >= flow.identity.maxAttempts || onFile.length < 4;
      state.isIdentityLocked = isLocked;
      turn.actions.push({ type: 'identity_failed', attempt: state.identityAttempts, isLocked });
      return isLocked ? 'locked' : 'failed';
    }
    case 'quote_balance':
      turn.actions.push({
        type: 'balance_disclosed',
        amount: facts.account.balance,
        currency: facts.account.currency,
      });
      return undefined;
    case 'offer_promise': {
      // A new date alone keeps the amount already on the table ("better on Monday").
      const onTable =
        state.pendingOffer?.kind === 'promise' && state.pendingOffer.discountBps === undefined
          ? state.pendingOffer.amount
          : undefined;
      const amount = namedAmount(turn) ?? state.draftAmount ?? onTable;
      const decision = evaluatePromise(
        turn.account,
        { amount, date: namedDate(turn) },
        turn.rule,
        turn.today,
      );
      if (decision.ok) {
        state.pendingOffer = { kind: 'promise', ...decision.promise };
        state.draftAmount = null;
        return 'offered';
      }
      turn.extraVars.reason = decision.reason;
      if (decision.reason === 'needs_date') {
        state.draftAmount = amount ?? null;
        return 'needs_date';
      }
      if (decision.counter) {
        state.pendingOffer = { kind: 'promise', ...decision.counter };
        state.draftAmount = null;
        return 'countered';
      }
      return 'rejected';
    }
    case 'record_promise': {
      const offer = state.pendingOffer;
      if (offer?.kind !== 'promise' || !isExplicitYes(turn)) return 'not_confirmed';
      Object.assign(turn.extraVars, offerVars(offer));
      turn.actions.push({
        type: 'promise_recorded',
        amount: offer.amount,
        currency: offer.currency,
        dueDate: offer.dueDate,
      });
      state.pendingOffer = null;
      state.draftAmount = null;
      return 'recorded';
    }
    case 'offer_plan': {
      const count = turn.entities.installmentCount;
      const decision = evaluatePlan(
        turn.account,
        {
          count,
          installmentAmount: count === undefined ? namedAmount(turn) : undefined,
          frequency: turn.entities.frequency,
          firstDate: namedDate(turn),
        },
        turn.rule,
        turn.today,
      );
      if (decision.type === 'reject') {
        turn.extraVars.reason = decision.reason;
        return 'rejected';
      }
      offerPlan(turn, decision.plan);
      if (decision.type === 'counter') turn.extraVars.reason = decision.reason;
      return decision.type === 'accept' ? 'offered' : 'countered';
    }
    case 'offer_gentlest_plan': {
      const plan = gentlestPlan(turn.account, turn.rule, turn.today);
      if (!plan) return 'unavailable';
      offerPlan(turn, plan);
      return 'offered';
    }
    case 'offer_settlement': {
      const offer = settlementOffer(turn.account, turn.rule, turn.today);
      if (!offer) return 'unavailable';
      state.pendingOffer = {
        kind: 'promise',
        amount: offer.amount,
        currency: offer.currency,
        dueDate: offer.dueDate,
        discountBps: offer.discountBps,
      };
      turn.extraVars.discount = { money: { amount: offer.discount, currency: offer.currency } };
      return 'offered';
    }
    case 'create_plan': {
      const offer = state.pendingOffer;
      if (offer?.kind !== 'plan' || !isExplicitYes(turn)) return 'not_confirmed';
      Object.assign(turn.extraVars, offerVars(offer));
      turn.actions.push({
        type: 'plan_created',
        installments: offer.installments,
        total: offer.total,
        currency: offer.currency,
      });
      state.pendingOffer = null;
      return 'recorded';
    }
    case 'send_payment_details':
      turn.actions.push({ type: 'payment_details_sent' });
      return undefined;
    case 'escalate': {
      const why = current.reason ?? reason ?? turn.intent;
      state.owner = 'agent';
      turn.actions.push({ type: 'escalated', reason: why });
      turn.effects.push({ type: 'assign_agent', reason: why });
      return undefined;
    }
    case 'opt_out':
      if (!state.optedOutChannels.includes(channel)) {
        state.optedOutChannels = [...state.optedOutChannels, channel];
      }
      turn.actions.push({ type: 'opted_out', channel });
      turn.effects.push({ type: 'stop_contact', reason: 'opted_out', channel });
      return undefined;
    case 'flag_hardship':
      state.hasHardship = true;
      turn.actions.push({ type: 'hardship_flagged' });
      return undefined;
    case 'record_dispute':
      state.isDisputed = true;
      state.isPaused = true;
      turn.actions.push({ type: 'dispute_recorded' });
      turn.effects.push({ type: 'pause_reminders', reason: 'dispute' });
      return undefined;
    case 'record_payment_claim': {
      // A payment already made cannot be dated after today; a future date is a misreading
      // ("el 5 de marzo" resolved to next year), so it is left out rather than guessed.
      const named = namedDate(turn);
      const date = named !== undefined && daysBetween(turn.today, named) <= 0 ? named : undefined;
      const amount = namedAmount(turn);
      if (date === undefined && amount === undefined && !state.hasAskedClaimDetails) {
        state.hasAskedClaimDetails = true;
        return 'needs_details';
      }
      const claim: Mutable<Extract<EngineAction, { type: 'payment_claimed' }>> = {
        type: 'payment_claimed',
      };
      if (date !== undefined) claim.date = date;
      if (amount !== undefined) claim.amount = amount;
      turn.actions.push(claim);
      state.hasAskedClaimDetails = false;
      if (!state.isPaused) turn.effects.push({ type: 'pause_reminders', reason: 'payment_claim' });
      state.isPaused = true;
      return 'recorded';
    }
    case 'mark_wrong_number':
      state.isWrongNumber = true;
      state.pendingOffer = null;
      turn.actions.push({ type: 'wrong_number' });
      turn.effects.push({ type: 'stop_contact', reason: 'wrong_number', channel });
      return undefined;
    default:
      return assertNever(action, 'flow action');
  }
}

function offerPlan(turn: Turn, plan: PlanOffer): void {
  const offer = planToOffer(plan);
  turn.state.pendingOffer = offer;
  turn.actions.push({
    type: 'plan_offered',
    installments: plan.installments.map((i) => ({ amount: i.amount, dueDate: i.dueDate })),
    total: plan.total,
    currency: plan.currency,
  });
}
