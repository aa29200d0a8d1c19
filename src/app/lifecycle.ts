import { instantAtWallTime } from '../domain/contact-policy/index.js';
import { addDays, localDateIn, type LocalDate } from '../domain/dates.js';
import { firstName } from '../domain/outreach/render-outreach.js';
import { planFor, type OutreachStrategy } from '../domain/outreach/strategy.js';
import type { OutreachDebtor, OutreachRequest } from '../ports/outreach-store.js';
import {
  addTally,
  emptyTally,
  queueOutreach,
  type OutreachDeps,
  type OutreachTally,
} from './outreach.js';

export interface LifecycleDeps extends OutreachDeps {
  readonly strategy: OutreachStrategy;
  /** Days after a promise's date (and an installment's) before it counts as broken. */
  readonly graceDays: number;
}

/** What one sweep did, per kind of message. */
export interface LifecycleRun {
  readonly reminders: OutreachTally;
  readonly promiseReminders: OutreachTally;
  readonly installmentReminders: OutreachTally;
  readonly broken: OutreachTally;
  readonly thanks: OutreachTally;
  readonly nudges: OutreachTally;
}

function valuesName(debtor: OutreachDebtor): { name: string } {
  return { name: firstName(debtor.name) };
}

/** The end of `days` after `date` in the debtor's calendar: when a message about it goes stale. */
function endOfDay(debtor: OutreachDebtor, date: LocalDate, days = 0): Date {
  return new Date(instantAtWallTime(debtor.timeZone, addDays(date, days + 1), 0));
}

/**
 * One pass of the lifecycle: every message the strategy wants sent today, in the debtor's own
 * calendar, queued under the contact policy. Idempotent by construction: each message has a key
 * naming what it is about (account and due date and step, promise and day, payment...), so a
 * sweep that runs twice, or again after a crash, queues nothing twice. Runs every minute from
 * the scheduler; a day's messages are found on that day only.
 */
export async function runLifecycle(deps: LifecycleDeps): Promise<LifecycleRun> {
  const { store, strategy } = deps;
  const now = deps.clock.now();
  const flowId = strategy.flow;

  // Reminders around the due date, per segment.
  const overridden = Object.entries(strategy.segments)
    .filter(([, s]) => s.reminders !== undefined)
    .map(([name]) => name);
  const steps = [
    ...strategy.reminders.map((r) => ({
      segment: null,
      stepId: r.id,
      offsetDays: r.offsetDays,
      template: r.template,
    })),
    ...overridden.flatMap((segment) =>
      planFor(strategy, segment).reminders.map((r) => ({
        segment,
        stepId: r.id,
        offsetDays: r.offsetDays,
        template: r.template,
      })),
    ),
  ];
  const dueReminders = await store.dueReminders(now, steps, overridden);
  const reminders = await queueOutreach(
    deps,
    dueReminders.map((due): OutreachRequest => ({
      dedupeKey: `reminder:${due.account.id}:${due.account.dueDate}:${due.stepId}`,
      purpose: 'reminder',
      template: due.template,
      debtor: due.debtor,
      accountId: due.account.id,
      values: { ...valuesName(due.debtor), due_date: due.account.dueDate },
      // Before the due date it may slide up to that day; after it, by two days at most.
      notAfter:
        due.offsetDays <= 0
          ? endOfDay(due.debtor, due.account.dueDate)
          : endOfDay(due.debtor, addDays(due.account.dueDate, due.offsetDays), 2),
      channels: planFor(strategy, due.account.segment).channels,
      tags: { step: due.stepId },
    })),
    flowId,
  );

  // Promise and installment reminders: the day before and on the day.
  const promises = await store.duePromises(
    now,
    strategy.promises.dayBefore,
    strategy.promises.onTheDay,
  );
  const promiseReminders = await queueOutreach(
    deps,
    promises.map((due): OutreachRequest => ({
      dedupeKey: `promise:${due.promiseId}:${due.when}`,
      purpose: 'promise_reminder',
      template: strategy.promises.template,
      debtor: due.debtor,
      accountId: due.accountId,
      values: { ...valuesName(due.debtor), amount: due.amount, date: due.dueDate },
      notAfter: endOfDay(due.debtor, due.dueDate),
      channels: planFor(strategy, due.segment).channels,
    })),
    flowId,
  );
  const installments = await store.dueInstallments(
    now,
    strategy.installments.dayBefore,
    strategy.installments.onTheDay,
  );
  const installmentReminders = await queueOutreach(
    deps,
    installments.map((due): OutreachRequest => ({
      dedupeKey: `installment:${due.planId}:${due.seq}:${due.when}`,
      purpose: 'installment_reminder',
      template: strategy.installments.template,
      debtor: due.debtor,
      accountId: due.accountId,
      values: { ...valuesName(due.debtor), amount: due.amount, date: due.dueDate },
      notAfter: endOfDay(due.debtor, due.dueDate),
      channels: planFor(strategy, due.segment).channels,
    })),
    flowId,
  );

  // Broken promises (and missed installments): marked, flagged and re-engaged in one transaction.
  const lapsed = await store.lapsedCommitments(now, deps.graceDays);
  const broken = emptyTally();
  for (const commitment of lapsed) {
    const key = `${commitment.kind}:${commitment.id}:broken`;
    addTally(
      broken,
      await queueOutreach(
        deps,
        [
          {
            dedupeKey: key,
            purpose: 'broken_promise',
            template: strategy.promises.brokenTemplate,
            debtor: commitment.debtor,
            accountId: commitment.accountId,
            values: {
              ...valuesName(commitment.debtor),
              amount: commitment.amount,
              date: commitment.dueDate,
            },
            channels: planFor(strategy, commitment.segment).channels,
            notAfter: endOfDay(commitment.debtor, localDateIn(now, commitment.debtor.timeZone), 7),
          },
        ],
        flowId,
        async (tx, at) => ((await tx.breakCommitment(commitment, at)) ? undefined : new Set([key])),
      ),
    );
  }

  // After a payment: the thank-you, then the one-question survey.
  const payments = await store.unthankedPayments(now, 500);
  const thanks = emptyTally();
  for (const payment of payments) {
    const requests: OutreachRequest[] = [
      {
        dedupeKey: `payment:${payment.paymentId}:thanks`,
        purpose: 'payment_thanks',
        template: strategy.payments.template,
        debtor: payment.debtor,
        accountId: payment.accountId,
        values: { ...valuesName(payment.debtor), amount: payment.amount, date: payment.paidOn },
        channels: planFor(strategy, payment.segment).channels,
        notAfter: endOfDay(payment.debtor, payment.paidOn, 7),
      },
    ];
    if (strategy.payments.surveyTemplate !== undefined) {
      requests.push({
        dedupeKey: `payment:${payment.paymentId}:survey`,
        purpose: 'survey',
        template: strategy.payments.surveyTemplate,
        debtor: payment.debtor,
        accountId: payment.accountId,
        values: valuesName(payment.debtor),
        channels: planFor(strategy, payment.segment).channels,
        notAfter: endOfDay(payment.debtor, payment.paidOn, 7),
        isSurvey: true,
        tags: { payment: payment.paymentId },
      });
    }
    addTally(
      thanks,
      await queueOutreach(deps, requests, flowId, async (tx, at) =>
        (await tx.markThanked(payment.paymentId, at))
          ? undefined
          : new Set(requests.map((r) => r.dedupeKey)),
      ),
    );
  }

  // One gentle nudge for a conversation left mid-negotiation, on its own route.
  const silent = await store.silentConversations(
    now,
    strategy.nudge.afterHours * 3_600_000,
    strategy.nudge.steps,
  );
  const nudges = await queueOutreach(
    deps,
    silent.map((conversation): OutreachRequest => ({
      dedupeKey: `nudge:${conversation.conversationId}:${conversation.lastSeq}`,
      purpose: 'nudge',
      template: strategy.nudge.template,
      debtor: conversation.debtor,
      accountId: conversation.accountId,
      values: valuesName(conversation.debtor),
      channels: [],
      notAfter: endOfDay(conversation.debtor, localDateIn(now, conversation.debtor.timeZone), 2),
      conversation: {
        id: conversation.conversationId,
        provider: conversation.provider,
        address: conversation.address,
      },
    })),
    flowId,
  );

  return { reminders, promiseReminders, installmentReminders, broken, thanks, nudges };
}
