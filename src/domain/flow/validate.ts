/**
 * Cross-reference checks a schema cannot express: every target step exists, every message key
 * exists in every shipped catalog, steps reachable before verification say nothing about the
 * debt, and `next` chains end. Issues carry a path into the flow file so the loader can point
 * at the exact line and column.
 */
import { intents } from '../understanding/types.js';
import { messageArguments, type MessageCatalogs } from '../messages/render.js';
import type { Flow, FlowActionName } from './schema.js';

/** A cross-reference problem at a path inside the flow file. */
export interface FlowIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Keys the engine itself renders (clarifying questions), required in every catalog. */
export const builtInMessageKeys: readonly string[] = [
  'clarify.ask',
  ...intents.filter((intent) => intent !== 'unknown').map((intent) => `intent.${intent}`),
];

/**
 * Message variables that reveal the debt. The engine only provides them after identity is
 * verified; a public step's messages must not use them.
 */
export const debtVariables: readonly string[] = [
  'balance',
  'product',
  'creditor',
  'daysPastDue',
  'dueDate',
  'minPayment',
  'nextAmount',
  'nextDate',
  'paymentDetails',
  'amount',
  'date',
  'count',
  'installment',
  'firstInstallment',
  'firstDate',
  'total',
  'discount',
  'frequency',
];

/** Actions that disclose or negotiate the debt, so they need a verified debtor. */
const debtActions: readonly FlowActionName[] = [
  'quote_balance',
  'offer_promise',
  'record_promise',
  'offer_plan',
  'offer_gentlest_plan',
  'offer_settlement',
  'create_plan',
  'send_payment_details',
];

/**
 * Every cross-reference problem of a parsed flow against the shipped catalogs; empty when the
 * flow is consistent.
 */
export function validateFlow(flow: Flow, catalogs: MessageCatalogs): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const stepIds = new Set(Object.keys(flow.steps));
  const locales = Object.keys(catalogs);

  const target = (path: (string | number)[], id: string | undefined): void => {
    if (id !== undefined && !stepIds.has(id)) {
      issues.push({ path, message: `unknown step "${id}"` });
    }
  };
  const key = (path: (string | number)[], messageKey: string, isPublic = false): void => {
    const missing = locales.filter((locale) => catalogs[locale]?.[messageKey] === undefined);
    if (missing.length > 0) {
      issues.push({ path, message: `message "${messageKey}" is missing in ${missing.join(', ')}` });
    }
    if (!isPublic) return;
    const leaked = new Set<string>();
    for (const locale of locales) {
      const message = catalogs[locale]?.[messageKey];
      if (message === undefined) continue;
      for (const name of messageArguments(message))
        if (debtVariables.includes(name)) leaked.add(name);
    }
    if (leaked.size > 0) {
      issues.push({
        path,
        message: `"${messageKey}" uses debt variables (${[...leaked].join(', ')}) in a public step, before identity is verified`,
      });
    }
  };

  target(['start'], flow.start);
  if (flow.identity.method !== 'none') {
    // Reached before verification, so they must be public (the engine would otherwise send
    // the debtor back to the start instead of, say, recording a dispute).
    const mustBePublic: [(string | number)[], string][] = [
      [['start'], flow.start],
      [['noMatch', 'escalateTo'], flow.noMatch.escalateTo],
      ...Object.entries(flow.globals).map(([intent, id]): [string[], string] => [
        ['globals', intent],
        id,
      ]),
    ];
    for (const [path, id] of mustBePublic) {
      if (flow.steps[id] && !flow.steps[id].public) {
        issues.push({
          path,
          message: `step "${id}" is reached before verification and must be public`,
        });
      }
    }
  }
  target(['noMatch', 'escalateTo'], flow.noMatch.escalateTo);
  key(['noMatch', 'say'], flow.noMatch.say, true);
  for (const [intent, id] of Object.entries(flow.globals)) target(['globals', intent], id);
  for (const [intent, id] of Object.entries(flow.routes)) target(['routes', intent], id);

  for (const [stepId, step] of Object.entries(flow.steps)) {
    const at = (...rest: (string | number)[]): (string | number)[] => ['steps', stepId, ...rest];
    step.say.forEach((k, i) => key(at('say', i), k, step.public));
    step.options.forEach((option, i) => key(at('options', i, 'label'), option.label, step.public));
    for (const [intent, id] of Object.entries(step.on)) target(at('on', intent), id);
    for (const [outcome, id] of Object.entries(step.outcomes)) target(at('outcomes', outcome), id);
    target(at('otherwise'), step.otherwise);
    target(at('next'), step.next);
    if (step.noMatch) key(at('noMatch', 'say'), step.noMatch.say, step.public);
    if (step.silence) key(at('silence', 'say'), step.silence.say, step.public);
    if (step.public && flow.identity.method !== 'none') {
      step.actions.forEach((action, i) => {
        if (debtActions.includes(action)) {
          issues.push({
            path: at('actions', i),
            message: `public step cannot "${action}": identity is not verified yet`,
          });
        }
      });
    }
  }

  for (const k of builtInMessageKeys) {
    const missing = locales.filter((locale) => catalogs[locale]?.[k] === undefined);
    if (missing.length > 0) {
      issues.push({
        path: [],
        message: `built-in message "${k}" is missing in ${missing.join(', ')}`,
      });
    }
  }

  // A `next` chain that loops would never wait for the debtor.
  for (const startId of stepIds) {
    const seen = new Set<string>();
    let current: string | undefined = startId;
    while (current !== undefined && stepIds.has(current)) {
      if (seen.has(current)) {
        if (current === startId) {
          issues.push({
            path: ['steps', startId, 'next'],
            message: '`next` loops back to this step',
          });
        }
        break;
      }
      seen.add(current);
      current = flow.steps[current]?.next;
    }
  }
  return issues;
}
