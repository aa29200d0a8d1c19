/**
 * SMS opt-out, opt-in and help keywords. Twilio (and Advanced Opt-Out on a Messaging Service)
 * blocks further messages to a number that texted STOP by itself: a send to it then fails with
 * error 21610. Our side mirrors that so the opt-out is recorded on the debtor before the next
 * send is even attempted. Pure: no I/O, no imports, so the core can use it as is.
 */

/** What a keyword message asks for. */
export type SmsKeyword = 'opt_out' | 'opt_in' | 'help';

/**
 * Keywords by meaning: Twilio's English defaults (including REVOKE and OPTOUT, which Twilio
 * also honours) plus the Spanish and Portuguese words a LatAm debtor would type.
 */
export const smsKeywords: Readonly<Record<SmsKeyword, readonly string[]>> = {
  opt_out: [
    'STOP',
    'STOPALL',
    'UNSUBSCRIBE',
    'CANCEL',
    'END',
    'QUIT',
    'REVOKE',
    'OPTOUT',
    'BAJA',
    'ALTO',
    'PARAR',
    'SAIR',
  ],
  opt_in: ['START', 'YES', 'UNSTOP', 'ALTA'],
  help: ['HELP', 'INFO', 'AYUDA'],
};

const keywordByWord: ReadonlyMap<string, SmsKeyword> = new Map(
  (Object.entries(smsKeywords) as [SmsKeyword, readonly string[]][]).flatMap(([keyword, words]) =>
    words.map((word) => [word, keyword] as const),
  ),
);

/**
 * The keyword a whole message is, if it is one: case-insensitive, ignoring surrounding spaces
 * and trailing `.` or `!` ("Stop.", " baja "). A keyword inside a sentence ("no quiero parar")
 * is not one: Twilio matches the whole body only, and so do we.
 */
export function smsKeywordOf(text: string): SmsKeyword | undefined {
  const word = text
    .trim()
    .replace(/[.!]+$/, '')
    .trim()
    .toUpperCase();
  return keywordByWord.get(word);
}

/**
 * Twilio's `OptOutType` webhook parameter (sent when Advanced Opt-Out is on and the body
 * matched one of the Messaging Service's keywords, custom ones included): STOP, START or HELP.
 */
export function keywordOfOptOutType(value: string | undefined): SmsKeyword | undefined {
  return value === undefined ? undefined : keywordByOptOutType.get(value.trim().toUpperCase());
}

const keywordByOptOutType: ReadonlyMap<string, SmsKeyword> = new Map([
  ['STOP', 'opt_out'],
  ['START', 'opt_in'],
  ['HELP', 'help'],
]);
