/**
 * The shape of a conversation flow as strategists write it in `flows/*.yaml`. A flow is
 * locale-independent: steps name message keys, the locale catalogs hold the words.
 */
import { z } from 'zod';
import { intents } from '../understanding/types.js';

/** What a step can do when it is entered. The engine gives each one its meaning. */
export const flowActionNames = [
  'verify_identity',
  'quote_balance',
  'offer_promise',
  'record_promise',
  'offer_plan',
  'offer_gentlest_plan',
  'offer_settlement',
  'create_plan',
  'send_payment_details',
  'escalate',
  'opt_out',
  'flag_hardship',
  'record_dispute',
  'record_payment_claim',
  'mark_wrong_number',
] as const;
/** One of {@link flowActionNames}. */
export type FlowActionName = (typeof flowActionNames)[number];

/**
 * Results an action can report; a step's `outcomes` routes them to the next step at once
 * (without waiting for the debtor).
 */
export const flowOutcomes = [
  // verify_identity
  'verified',
  'failed',
  'locked',
  'missing',
  // offer_promise, offer_plan, offer_gentlest_plan, offer_settlement
  'offered',
  'countered',
  'rejected',
  'needs_date',
  'unavailable',
  // record_promise, create_plan
  'recorded',
  'not_confirmed',
  // record_payment_claim
  'needs_details',
] as const;
/** One of {@link flowOutcomes}. */
export type FlowOutcome = (typeof flowOutcomes)[number];

/** Intents that may interrupt any step, even before identity is verified. */
export const globalIntents = [
  'opt_out',
  'talk_to_human',
  'dispute',
  'wrong_number',
  'abuse',
  'distress',
] as const;
/** One of {@link globalIntents}. */
export type GlobalIntent = (typeof globalIntents)[number];

const stepId = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'step ids are snake_case')
  .describe('A step id of this flow');
const messageKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'message keys are dotted snake_case')
  .describe('A key of the locale catalogs (locales/<locale>/messages.yaml)');
const intentName = z.enum(intents, {
  error: (issue) => `unknown intent ${JSON.stringify(issue.input)}`,
});
/** ISO 8601 duration, e.g. PT4H, P1D, PT30M. */
const isoDuration = z
  .string()
  .regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, 'an ISO 8601 duration like PT4H');

/** A quick reply (button, list row, or a number in SMS); the label is a message key. */
export const QuickReplySchema = z.strictObject({
  /** Routed by id: a choice with this id counts as `intent`. */
  id: z.string().regex(/^[a-z0-9_]+$/),
  label: messageKey,
  intent: intentName,
});

/**
 * One step. On entering: `actions` run in order (an outcome listed in `outcomes` jumps at once),
 * then `say` is sent with `options`, then `next` continues. The debtor's next message is routed
 * by `on`, then the flow's `routes` (verified only), then `otherwise`, then no-match handling.
 */
export const StepSchema = z.strictObject({
  /** May be entered before identity is verified. Such steps must not say anything about the debt. */
  public: z.boolean().default(false),
  /** Actions performed on entering, in order, with the entities of the turn that led here. */
  actions: z
    .array(
      z.enum(flowActionNames, {
        error: (issue) => `unknown action ${JSON.stringify(issue.input)}`,
      }),
    )
    .default([]),
  /** Messages sent on entering, after the actions ran. */
  say: z.array(messageKey).default([]),
  /** Quick replies shown with the last message. */
  options: z.array(QuickReplySchema).default([]),
  /** Where each intent of the debtor's next message goes. */
  on: z.partialRecord(intentName, stepId).default({}),
  /** Where any other message goes (before `routes` and no-match handling). */
  otherwise: stepId.optional(),
  /** Where an action's outcome goes, immediately. */
  outcomes: z.partialRecord(z.enum(flowOutcomes), stepId).default({}),
  /** Continue at once to this step after entering (no input awaited). */
  next: stepId.optional(),
  /** The reason recorded by `escalate` in this step; defaults to the intent that led here. */
  reason: z.string().optional(),
  /** Overrides the flow's no-match handling for this step. */
  noMatch: z.strictObject({ say: messageKey, max: z.int().min(0).max(10).optional() }).optional(),
  /** A follow-up when the debtor goes quiet; recorded now, scheduled by a later release. */
  silence: z.strictObject({ after: isoDuration, say: messageKey }).optional(),
});

/** How the debtor proves who they are before anything about the debt is said. */
export const IdentitySchema = z.strictObject({
  /** last4: last four digits of the document; full_document; none: trust the channel. */
  method: z.enum(['last4', 'full_document', 'none']),
  maxAttempts: z.int().min(1).max(10).default(3),
});

/** A flow file. Cross-references are checked by `validateFlow`, not here. */
export const FlowSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_-]*$/),
    version: z.int().min(1),
    description: z.string().optional(),
    start: stepId,
    identity: IdentitySchema,
    /** Below this confidence the engine asks a clarifying question instead of acting. */
    confidenceThreshold: z.number().min(0).max(1).default(0.6),
    /** Default re-ask message and how many re-asks before escalating. */
    noMatch: z.strictObject({
      say: messageKey,
      max: z.int().min(0).max(10).default(2),
      escalateTo: stepId,
    }),
    /** Intents that interrupt any step, even before verification. */
    globals: z.partialRecord(z.enum(globalIntents), stepId).default({}),
    /** Fallback routes for verified conversations when the current step does not handle the intent. */
    routes: z.partialRecord(intentName, stepId).default({}),
    steps: z.record(stepId, StepSchema),
  })
  .describe('A cuota conversation flow');

/** A parsed flow, defaults applied. */
export type Flow = z.infer<typeof FlowSchema>;
/** A parsed step, defaults applied. */
export type FlowStep = z.infer<typeof StepSchema>;
/** A flow as written in YAML, before defaults. */
export type FlowInput = z.input<typeof FlowSchema>;

/** The JSON Schema of a flow file, for editors (yaml-language-server) and review tools. */
export function flowJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(FlowSchema, { io: 'input', unrepresentable: 'any' });
}
