import type { ContactDecision, DebtorContactFacts } from '../domain/contact-policy/index.js';
import { initialState } from '../domain/engine/index.js';
import { AppError } from '../domain/errors.js';
import type { Flow } from '../domain/flow/schema.js';
import type { Provider } from '../domain/messaging/message.js';
import type { Channel, DebtorId } from '../domain/model.js';
import { renderOutreach, type OutreachTemplates } from '../domain/outreach/render-outreach.js';
import type { Clock } from '../ports/clock.js';
import type { ContactDecider } from './contact-gate.js';
import type {
  OutreachDebtor,
  OutreachRequest,
  OutreachStore,
  OutreachTransaction,
  OutreachWrite,
} from '../ports/outreach-store.js';

/** What creditor-initiated messages need: the policy that gates them and where they can go. */
export interface OutreachDeps {
  readonly store: OutreachStore;
  /** The contact policy: every message is decided by it before it is written. */
  readonly decide: ContactDecider;
  readonly templates: OutreachTemplates;
  /** The provider that carries each channel here (WhatsApp Cloud or Baileys, Twilio, Telegram). */
  readonly providers: Readonly<Partial<Record<Channel, Provider>>>;
  /** The flows new conversations may start on. */
  readonly flows: Readonly<Record<string, Flow>>;
  readonly clock: Clock;
}

/** Counts of one batch of outreach. */
export interface OutreachTally {
  /** Written to the outbox, due now. */
  queued: number;
  /** Written to the outbox, due when the contact policy allows. */
  deferred: number;
  /** Recorded as denied, with the policy's reason. */
  denied: number;
  /** Already written by an earlier run (same idempotency key). */
  duplicates: number;
}

export function emptyTally(): OutreachTally {
  return { queued: 0, deferred: 0, denied: 0, duplicates: 0 };
}

export function addTally(into: OutreachTally, from: OutreachTally): void {
  into.queued += from.queued;
  into.deferred += from.deferred;
  into.denied += from.denied;
  into.duplicates += from.duplicates;
}

/** The debtor's address on a provider, when they have one. */
export function addressOn(provider: Provider, debtor: OutreachDebtor): string | undefined {
  switch (provider) {
    case 'whatsapp-cloud':
      // Cloud API recipients are wa_ids: the E.164 digits without "+", as inbound senders arrive.
      return debtor.phone?.slice(1);
    case 'whatsapp-baileys':
    case 'twilio-sms':
      return debtor.phone;
    case 'telegram':
      return debtor.telegramChatId;
    case 'web':
      return undefined;
  }
}

const noRoute = (reason: string): ContactDecision => ({ type: 'deny', rule: 'no_channel', reason });

/** A deferral that would land after the message stops making sense becomes a denial. */
export function staleDecision(
  deferral: Extract<ContactDecision, { type: 'defer' }>,
): ContactDecision {
  return {
    type: 'deny',
    rule: 'stale',
    reason: `${deferral.rule} defers it to ${deferral.until.toISOString()}, after it stops making sense`,
  };
}

/**
 * Chooses a channel for each request and asks the contact policy about it, in order, counting
 * each message it lets through in the debtor's history so the next one sees it (two reminders
 * in one batch cannot both use the last slot of a weekly cap). A channel the policy denies
 * (opt-out, do-not-contact on it) gives way to the next one in the request's order.
 */
export function planOutreach(
  deps: OutreachDeps,
  requests: readonly OutreachRequest[],
  facts: ReadonlyMap<DebtorId, DebtorContactFacts>,
  flowId: string,
  now: Date,
): OutreachWrite[] {
  const flow = deps.flows[flowId];
  if (flow === undefined) throw new AppError('flow_invalid', `flow "${flowId}" is not loaded`);
  const start = initialState(flow);
  const history = new Map<DebtorId, DebtorContactFacts>();
  return requests.map((request): OutreachWrite => {
    const debtor = request.debtor;
    const known = history.get(debtor.id) ?? facts.get(debtor.id);
    const base = {
      request,
      locale: debtor.locale,
      initialState: start,
    };
    if (known === undefined) {
      return {
        ...base,
        route: undefined,
        content: undefined,
        text: '',
        decision: noRoute('the debtor was not found'),
        fallbackChannels: [],
      };
    }
    const candidates: { channel: Channel; provider: Provider; address: string }[] = [];
    if (request.conversation !== undefined) {
      const { provider, address } = request.conversation;
      candidates.push({ channel: channelOfProvider(provider), provider, address });
    } else {
      for (const channel of request.channels) {
        const provider = deps.providers[channel];
        const address = provider === undefined ? undefined : addressOn(provider, debtor);
        if (provider !== undefined && address !== undefined)
          candidates.push({ channel, provider, address });
      }
    }
    let firstDenial: ContactDecision | undefined;
    let deniedRoute: (typeof candidates)[number] | undefined;
    for (const [i, candidate] of candidates.entries()) {
      const rendered = renderOutreach(
        deps.templates,
        request.template,
        request.values,
        debtor.locale,
        candidate.provider,
        request.isSurvey === true,
      );
      if (!rendered.ok) {
        firstDenial ??= { type: 'deny', rule: 'template', reason: rendered.reason };
        continue;
      }
      const decision = deps.decide(
        {
          channel: candidate.channel,
          purpose: request.purpose,
          isTemplate: rendered.content.type === 'template',
          at: now,
        },
        known,
      );
      if (
        decision.type === 'defer' &&
        request.notAfter !== undefined &&
        decision.until.getTime() > request.notAfter.getTime()
      ) {
        return {
          ...base,
          route: candidate,
          content: undefined,
          text: '',
          decision: staleDecision(decision),
          fallbackChannels: [],
        };
      }
      if (decision.type === 'deny') {
        if (firstDenial === undefined) {
          firstDenial = decision;
          deniedRoute = candidate;
        }
        continue;
      }
      const at = decision.type === 'defer' ? decision.until : now;
      history.set(debtor.id, {
        ...known,
        history: [...known.history, { at, channel: candidate.channel, purpose: request.purpose }],
      });
      return {
        ...base,
        route: candidate,
        content: rendered.content,
        text: rendered.text,
        decision,
        fallbackChannels: candidates.slice(i + 1).map((c) => c.channel),
      };
    }
    // Denied: recorded against the first channel the policy refused, for the operator to see.
    return {
      ...base,
      route: deniedRoute,
      content: undefined,
      text: '',
      decision:
        firstDenial ??
        noRoute(
          `no configured channel reaches the debtor (tried ${request.channels.join(', ') || 'none'})`,
        ),
      fallbackChannels: [],
    };
  });
}

function channelOfProvider(provider: Provider): Channel {
  switch (provider) {
    case 'whatsapp-cloud':
    case 'whatsapp-baileys':
      return 'whatsapp';
    case 'twilio-sms':
      return 'sms';
    case 'telegram':
      return 'telegram';
    case 'web':
      return 'web';
  }
}

/** Tallies what was written of a planned batch. */
export function tallyOf(
  planned: readonly OutreachWrite[],
  written: ReadonlySet<string>,
): OutreachTally {
  const tally = emptyTally();
  for (const item of planned) {
    if (!written.has(item.request.dedupeKey)) tally.duplicates += 1;
    else if (item.decision.type === 'allow') tally.queued += 1;
    else if (item.decision.type === 'defer') tally.deferred += 1;
    else tally.denied += 1;
  }
  return tally;
}

/**
 * Queues creditor-initiated messages: skips those already written (idempotency keys), decides
 * each under the contact policy, and writes them in one transaction, together with the state
 * changes `alongside` makes (a promise marked broken, a payment marked thanked), so a crash
 * leaves either both or neither.
 */
export async function queueOutreach(
  deps: OutreachDeps,
  requests: readonly OutreachRequest[],
  flowId: string,
  alongside?: (tx: OutreachTransaction, at: Date) => Promise<ReadonlySet<string> | undefined>,
): Promise<OutreachTally> {
  if (requests.length === 0) return emptyTally();
  const now = deps.clock.now();
  const existing = await deps.store.existingKeys(requests.map((r) => r.dedupeKey));
  const fresh = requests.filter((r) => !existing.has(r.dedupeKey));
  const tally = emptyTally();
  tally.duplicates = requests.length - fresh.length;
  if (fresh.length === 0) return tally;
  const facts = await deps.store.contactFacts([...new Set(fresh.map((r) => r.debtor.id))], now);
  const planned = planOutreach(deps, fresh, facts, flowId, now);
  const written = await deps.store.transaction(async (tx) => {
    // `alongside` returns the keys whose state change no longer applies (already done by a
    // concurrent run): their messages are not written.
    const skip = alongside === undefined ? undefined : await alongside(tx, now);
    return tx.write(
      skip === undefined ? planned : planned.filter((p) => !skip.has(p.request.dedupeKey)),
      now,
    );
  });
  addTally(tally, tallyOf(planned, written));
  return tally;
}

/**
 * A message cuota sent first failed for good on its channel: it is queued again on the first of
 * its fallback channels that still reaches the debtor (under the contact policy, as any other),
 * once, by its own idempotency key. Nothing happens for replies or rows without fallbacks.
 */
export async function fallBackOnFailure(
  deps: OutreachDeps,
  outboxId: string,
): Promise<OutreachTally> {
  const fallback = await deps.store.fallbackFor(outboxId);
  if (fallback === undefined) return emptyTally();
  return queueOutreach(deps, [fallback.request], fallback.flowId);
}
