/**
 * The shape an LLM must answer in when it helps understand a debtor's message. The model
 * proposes; nothing here decides. Every field is checked again by {@link validateLlmOutput}
 * (src/domain/llm/validate.ts) against the debtor's own words before the engine sees it.
 */
import { z } from 'zod';

/** A span the model says it read in the message, with the value it read there. */
const Quoted = z.object({ text: z.string().min(1).max(200) }).strict();

/**
 * The model's answer. `intent` is a plain string here on purpose: an intent outside the
 * engine's closed set is a distinct rejection reason, not a schema error.
 */
export const LlmUnderstandingSchema = z
  .object({
    intent: z.string().min(1).max(40),
    confidence: z.number().min(0).max(1),
    entities: z
      .object({
        /** The words naming a date and that date, resolved in the debtor's zone; null when vague. */
        date: Quoted.extend({
          date: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/)
            .nullable(),
        })
          .strict()
          .optional(),
        /** The words naming an amount and its value in major units ("150 mil" -> 150000). */
        amount: Quoted.extend({ value: z.number().positive().max(1e12) })
          .strict()
          .optional(),
        installmentCount: Quoted.extend({ value: z.number().int().min(1).max(120) })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    sentiment: z.enum(['negative', 'neutral', 'positive']).default('neutral'),
    hardship: z.boolean().default(false),
    vulnerability: z.boolean().default(false),
    language: z.string().min(2).max(8).default('es'),
  })
  .strict();

/** What the model answered, once it has the right shape (not yet validated against the text). */
export type LlmUnderstandingOutput = z.infer<typeof LlmUnderstandingSchema>;

/** Parses the model's raw text: JSON first (optionally inside a ```json fence), then the schema. */
export function parseLlmOutput(
  raw: string,
):
  | { readonly ok: true; readonly output: LlmUnderstandingOutput }
  | { readonly ok: false; readonly reason: 'invalid_json' | 'schema'; readonly detail: string } {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(raw);
  let json: unknown;
  try {
    json = JSON.parse(fenced?.[1] ?? raw);
  } catch (err) {
    return { ok: false, reason: 'invalid_json', detail: (err as Error).message };
  }
  const parsed = LlmUnderstandingSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'schema',
      detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  return { ok: true, output: parsed.data };
}
