/**
 * The operator's FAQ: short answers about interest, fees, what a debt is, clearance letters and
 * data privacy, per language, that the grounded-answer prompt may use besides the account's
 * facts. Loaded from `flows/faq.yaml` and validated at boot. `unanswered` is what the bot says
 * when neither the facts nor the FAQ answer a question (or a model's answer was refused): it
 * must say so plainly and tell the debtor how to reach a person.
 */
import { z } from 'zod';

const Language = z.string().regex(/^[a-z]{2}$/, 'a two-letter language code (es, en, pt)');

const Text = z.string().trim().min(1).max(700);

export const FaqSchema = z
  .object({
    version: z.number().int().positive(),
    /** Per language: the reply when the question cannot be answered from the facts and the FAQ. */
    unanswered: z.record(Language, Text),
    entries: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z][a-z0-9_]*$/),
            /** Per language: the question as a debtor might ask it, and the answer. */
            text: z.record(Language, z.object({ question: Text, answer: Text }).strict()),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .superRefine((faq, ctx) => {
    const languages = Object.keys(faq.unanswered).sort();
    if (languages.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['unanswered'],
        message: 'needs at least one language',
      });
    }
    const ids = new Set<string>();
    faq.entries.forEach((entry, i) => {
      if (ids.has(entry.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i, 'id'],
          message: `duplicate id "${entry.id}"`,
        });
      }
      ids.add(entry.id);
      const missing = languages.filter((l) => entry.text[l] === undefined);
      if (missing.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i, 'text'],
          message: `missing ${missing.join(', ')} (every entry covers the languages of "unanswered")`,
        });
      }
    });
  });

/** The FAQ as loaded. */
export type Faq = z.infer<typeof FaqSchema>;

/** The FAQ of one language, for one prompt: its entries and the unanswered reply. */
export interface FaqForLanguage {
  readonly language: string;
  readonly entries: readonly {
    readonly id: string;
    readonly question: string;
    readonly answer: string;
  }[];
  readonly unanswered: string;
}

/** The FAQ in `locale`'s language, else English, else the first language it has. Pure. */
export function faqFor(faq: Faq, locale: string): FaqForLanguage {
  const wanted = (locale.split(/[-_]/)[0] ?? '').toLowerCase();
  const languages = Object.keys(faq.unanswered);
  const language =
    [wanted, 'en', ...languages].find((l) => faq.unanswered[l] !== undefined) ?? wanted;
  return {
    language,
    unanswered: faq.unanswered[language] ?? '',
    entries: faq.entries.flatMap((entry) => {
      const text = entry.text[language];
      return text === undefined ? [] : [{ id: entry.id, ...text }];
    }),
  };
}
