/**
 * What the model may see of a debtor's message: document numbers, phone numbers and e-mail
 * addresses are replaced before any text leaves the process. Amounts survive: they are what
 * the model is asked to find, and they rarely run to eight bare digits.
 */

/** The placeholder that stands for a removed identifier. */
export const redactedToken = '[dato oculto]';

const email = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
/** "+57 300 123 4567", "(11) 98765-4321": an international or grouped phone number. */
const phone = /\+\d[\d\s().-]{6,}\d|\(\d{2,3}\)\s?\d{3,5}[\s.-]?\d{3,4}/g;
/** Eight or more digits with no separators: a document or a phone, almost never money typed by hand. */
const longDigits = /(?<!\d|\d[.,])\d{8,}(?!\d|[.,]\d)/g;
/** "1.020.301.234", "12.345.678-9": a grouped document number (RUT, CPF-like). */
const groupedDocument =
  /(?<![\d.,])\d{1,3}(?:\.\d{3}){2,}-[\dkK](?![\d.,])|\d{3}\.\d{3}\.\d{3}-\d{2}/g;

/**
 * Removes identifiers from `text`. `known` are values on file (the debtor's document number,
 * phone): their digits are removed wherever they appear, however they were grouped, and so is
 * any run of 4 or more digits that ends one of them (the "last 4" a debtor types).
 */
export function redactForModel(text: string, known: readonly string[] = []): string {
  let out = text
    .replace(email, redactedToken)
    .replace(groupedDocument, redactedToken)
    .replace(phone, redactedToken)
    .replace(longDigits, redactedToken);
  for (const value of known) {
    const digits = value.replace(/\D/g, '');
    if (digits.length < 4) continue;
    // The digits may be typed with spaces, dots or dashes between them.
    const spaced = digits.split('').join('[\\s.-]?');
    out = out.replace(new RegExp(`(?<!\\d)${spaced}(?!\\d)`, 'g'), redactedToken);
    const tail = digits.slice(-4);
    out = out.replace(new RegExp(`(?<![\\d.,])${tail}(?![\\d.,])`, 'g'), redactedToken);
  }
  return out;
}
