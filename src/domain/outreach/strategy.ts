/**
 * The outreach strategy (`flows/lifecycle.yaml`): which messages cuota sends first, when, and
 * on which channels. It only says what is wanted; the contact policy decides whether and when a
 * message may actually go.
 */
import { z } from 'zod';
import type { Channel } from '../model.js';

const templateName = z.string().regex(/^[a-z0-9_]+$/, 'a WhatsApp template name (a-z, 0-9, _)');
/** The channels cuota can write first on (web chat and email cannot start a conversation). */
const outreachChannel = z.enum(['whatsapp', 'sms', 'telegram']);

export const ReminderStepSchema = z.strictObject({
  /** Stable id: part of the idempotency key, so renaming one re-sends it. */
  id: z.string().regex(/^[a-z0-9+\-_]+$/i),
  /** Days relative to the due date in the debtor's calendar: -3 is three days before. */
  offsetDays: z.number().int().min(-60).max(365),
  template: templateName,
});
export type ReminderStep = z.infer<typeof ReminderStepSchema>;

const ChannelOrderSchema = z.array(outreachChannel).min(1);

export const OutreachStrategySchema = z
  .strictObject({
    channels: ChannelOrderSchema,
    flow: z.string().min(1),
    reminders: z.array(ReminderStepSchema),
    segments: z
      .record(
        z.string().min(1),
        z.strictObject({
          reminders: z.array(ReminderStepSchema).optional(),
          channels: ChannelOrderSchema.optional(),
        }),
      )
      .default({}),
    promises: z.strictObject({
      template: templateName,
      dayBefore: z.boolean(),
      onTheDay: z.boolean(),
      brokenTemplate: templateName,
    }),
    installments: z.strictObject({
      template: templateName,
      dayBefore: z.boolean(),
      onTheDay: z.boolean(),
    }),
    payments: z.strictObject({
      template: templateName,
      surveyTemplate: templateName.optional(),
    }),
    nudge: z.strictObject({
      afterHours: z
        .number()
        .positive()
        .max(24 * 14),
      template: templateName,
      /** Flow steps that count as mid-negotiation. */
      steps: z.array(z.string().min(1)).min(1),
    }),
  })
  .superRefine((strategy, ctx) => {
    const check = (steps: readonly ReminderStep[], path: (string | number)[]): void => {
      const seen = new Set<string>();
      steps.forEach((step, i) => {
        if (seen.has(step.id))
          ctx.addIssue({
            code: 'custom',
            path: [...path, i, 'id'],
            message: `duplicate reminder id "${step.id}"`,
          });
        seen.add(step.id);
      });
    };
    check(strategy.reminders, ['reminders']);
    for (const [name, segment] of Object.entries(strategy.segments)) {
      if (segment.reminders) check(segment.reminders, ['segments', name, 'reminders']);
    }
  });
export type OutreachStrategy = z.infer<typeof OutreachStrategySchema>;

/** The reminder steps and channel order for an account's segment (the default when none). */
export function planFor(
  strategy: OutreachStrategy,
  segment: string | undefined,
): { readonly reminders: readonly ReminderStep[]; readonly channels: readonly Channel[] } {
  const override = segment === undefined ? undefined : strategy.segments[segment];
  return {
    reminders: override?.reminders ?? strategy.reminders,
    channels: override?.channels ?? strategy.channels,
  };
}

/** Every template the strategy names, to check against the template registry at boot. */
export function templatesOf(strategy: OutreachStrategy): string[] {
  const names = new Set<string>([
    ...strategy.reminders.map((r) => r.template),
    ...Object.values(strategy.segments).flatMap((s) => (s.reminders ?? []).map((r) => r.template)),
    strategy.promises.template,
    strategy.promises.brokenTemplate,
    strategy.installments.template,
    strategy.payments.template,
    strategy.nudge.template,
  ]);
  if (strategy.payments.surveyTemplate !== undefined) names.add(strategy.payments.surveyTemplate);
  return [...names].sort();
}
