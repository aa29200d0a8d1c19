/**
 * The check that lets a model reword a reply without changing what it says: every number,
 * amount, date and name in the template's text must appear, character for character, in the
 * rewording, and the rewording may not add a number of its own. Otherwise the template is sent.
 */

/** Runs of digits with their separators and signs: "$ 1.250.000", "15/12/2026", "3", "10:30". */
const numberPattern = /\d(?:[\d.,:/\s\u00a0\u202f-]*\d)?/g;

/** Every number-like token in `text`, separators included, in order. */
export function numbersIn(text: string): string[] {
  return [...text.matchAll(numberPattern)].map((m) => m[0].replace(/[\s\u00a0\u202f]+$/, ''));
}

function digitsOf(token: string): string {
  return token.replace(/\D/g, '');
}

/** Whether `rephrased` keeps the template's facts, and which ones it lost or added. */
export type Preservation =
  | { readonly ok: true }
  | { readonly ok: false; readonly missing: readonly string[]; readonly added: readonly string[] };

/**
 * Checks a rewording against its template. `protectedTerms` are further exact strings that must
 * survive (the debtor's first name, the creditor's name, a payment link). Pure.
 */
export function checkPreservation(
  template: string,
  rephrased: string,
  protectedTerms: readonly string[] = [],
): Preservation {
  const required = [...numbersIn(template), ...protectedTerms.filter((t) => template.includes(t))];
  const missing = required.filter((token) => !rephrased.includes(token));
  const known = new Set(numbersIn(template).map(digitsOf));
  const added = numbersIn(rephrased).filter((token) => {
    const digits = digitsOf(token);
    // A number of the template may be split differently ("15/12" kept, plus "15"); any digits
    // not found within the template's own numbers are new.
    return !known.has(digits) && ![...known].some((k) => k.includes(digits));
  });
  return missing.length === 0 && added.length === 0 ? { ok: true } : { ok: false, missing, added };
}
