/**
 * Extractors run in order over the same normalized text; each blanks out what it consumed so
 * the next one cannot read it twice ("el 30" is a date, so the amount extractor never sees 30).
 */

/** Normalized text plus the parts of it already claimed by an earlier extractor. */
export interface Masked {
  text: string;
}

/** Replaces `[start, end)` of the masked text with underscores, keeping offsets stable. */
export function consume(masked: Masked, start: number, end: number): void {
  masked.text = masked.text.slice(0, start) + '_'.repeat(end - start) + masked.text.slice(end);
}

/** Runs a global regex over the masked text and returns the first match, if any. */
export function firstMatch(masked: Masked, pattern: RegExp): RegExpExecArray | null {
  pattern.lastIndex = 0;
  return pattern.exec(masked.text);
}
