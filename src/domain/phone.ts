import {
  parsePhoneNumberFromString as parseWith,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/core';
// The JS form of the "min" metadata (the package's default), importable without JSON import attributes.
import metadata from 'libphonenumber-js/min/metadata';

function parsePhoneNumberFromString(
  text: string,
  options?: { defaultCountry: CountryCode },
): PhoneNumber | undefined {
  return options === undefined ? parseWith(text, metadata) : parseWith(text, options, metadata);
}

export type NormalizePhoneResult =
  | { ok: true; e164: string; country: string | undefined }
  | { ok: false; reason: 'empty' | 'unparseable' | 'invalid' };

/** The number as the readers take it: trimmed, a leading "00" read as "+". */
function prepared(raw: string): string {
  const text = raw.trim();
  return text.startsWith('00') ? `+${text.slice(2)}` : text;
}

/**
 * Normalises a phone number as people and spreadsheets write it ("300 123 4567",
 * "+57 (300) 123-4567", "0054 9 11 1234-5678") to E.164, using `defaultCountry` (ISO 3166
 * alpha-2) when the number carries no country code.
 */
export function normalizePhone(
  raw: string,
  defaultCountry: string | undefined,
): NormalizePhoneResult {
  return normalizePlainPhone(raw, defaultCountry) ?? normalizePhoneInFull(raw, defaultCountry);
}

/**
 * normalizePhone's answer when it comes cheap: a valid number written as digits and separators
 * in a country with a calling code of its own. Undefined when only the full parse can tell, so a
 * memo of normalizePhone need only keep those.
 */
export function normalizePlainPhone(
  raw: string,
  defaultCountry: string | undefined,
): NormalizePhoneResult | undefined {
  return readPlainNumber(prepared(raw), defaultCountry?.toUpperCase());
}

/**
 * normalizePhone by libphonenumber-js alone, for a number {@link normalizePlainPhone} left
 * undecided (the same answer normalizePhone gives for it, without trying the fast reading again).
 */
export function normalizePhoneInFull(
  raw: string,
  defaultCountry: string | undefined,
): NormalizePhoneResult {
  const text = prepared(raw);
  if (text === '') return { ok: false, reason: 'empty' };
  const country = defaultCountry?.toUpperCase() as CountryCode | undefined;
  const parsed = parsePhoneNumberFromString(
    text,
    country === undefined ? undefined : { defaultCountry: country },
  );
  if (!parsed) return { ok: false, reason: 'unparseable' };
  if (!parsed.isValid()) return { ok: false, reason: 'invalid' };
  return { ok: true, e164: parsed.number, country: parsed.country };
}

/** The country (ISO 3166 alpha-2) an E.164 number belongs to, when it can be told. */
export function phoneCountry(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.country;
}

/** The country calling code of an E.164 number ("57" for +573001234567), when it can be told. */
export function callingCodeOf(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.countryCallingCode;
}

/*
 * A fast reading of the numbers a portfolio is made of: digits with spaces, dashes, dots or
 * brackets, an optional leading "+", in a country whose calling code is its own. Parsing is the
 * costliest check of an imported row and libphonenumber-js spends most of it on generality
 * (extensions, RFC 3966 URIs, wide digits, shared calling codes, per-call objects); the steps
 * below are its steps for this shape of input, on the same metadata, with the patterns compiled
 * once. It answers only when the number is valid and libphonenumber-js would read it alike;
 * everything else, refusals included, goes to libphonenumber-js, so a refusal always carries
 * the library's own reason.
 */

/** One country's numbering plan, as the fast reading uses it. */
interface Plan {
  readonly country: string;
  readonly callingCode: string;
  /** Anchored at the start: the international dialling prefix ("00", "011"). */
  readonly iddPrefix: RegExp | undefined;
  /** Anchored at both ends: the national significant numbers of the country. */
  readonly nationalNumber: RegExp;
  /** Anchored at the start: a trunk prefix (and carrier code) to drop ("0", "0(3)"...). */
  readonly nationalPrefix: RegExp | undefined;
  readonly nationalPrefixTransform: string | undefined;
  readonly possibleLengths: readonly number[] | undefined;
}

// Positions in a country's "min" metadata array (metadata format version 4).
const IDD_PREFIX = 1;
const NATIONAL_NUMBER_PATTERN = 2;
const POSSIBLE_LENGTHS = 3;
const NATIONAL_PREFIX = 5;
const NATIONAL_PREFIX_FOR_PARSING = 7;
const NATIONAL_PREFIX_TRANSFORM_RULE = 8;
const TYPES = 11;

/** Calling codes have one to three digits. */
const maxCallingCodeLength = 3;
/** libphonenumber-js refuses national numbers outside these lengths and longer inputs. */
const minNationalLength = 2;
const maxNationalLength = 17;
const maxInputLength = 250;

const canReadQuickly = metadata.version === 4;
const planCache = new Map<string, Plan | null>();

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function patternText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The plan of `country`, or null when the fast reading must not handle it: a calling code
 * shared by several countries (NANPA, +7, +44...) needs the per-type patterns to tell them
 * apart, which is libphonenumber-js's job.
 */
function planOf(country: string): Plan | null {
  let plan = planCache.get(country);
  if (plan !== undefined) return plan;
  plan = null;
  const data: unknown = metadata.countries[country as CountryCode];
  if (Array.isArray(data) && typeof data[0] === 'string') {
    const callingCode = data[0];
    const sharers: unknown = hasOwn(metadata.country_calling_codes, callingCode)
      ? metadata.country_calling_codes[callingCode]
      : undefined;
    const national = patternText(data[NATIONAL_NUMBER_PATTERN]);
    const lengths: unknown = data[POSSIBLE_LENGTHS];
    const isOwnCode = Array.isArray(sharers) && sharers.length === 1 && sharers[0] === country;
    // Per-type patterns make validity a matter of number types, not of one pattern.
    const hasTypes = Boolean(data[TYPES]);
    if (isOwnCode && !hasTypes && national !== undefined) {
      const idd = patternText(data[IDD_PREFIX]);
      const prefix =
        patternText(data[NATIONAL_PREFIX_FOR_PARSING]) ?? patternText(data[NATIONAL_PREFIX]);
      plan = {
        country,
        callingCode,
        iddPrefix: idd === undefined ? undefined : new RegExp(`^(?:${idd})`),
        nationalNumber: new RegExp(`^(?:${national})$`),
        nationalPrefix: prefix === undefined ? undefined : new RegExp(`^(?:${prefix})`),
        nationalPrefixTransform: patternText(data[NATIONAL_PREFIX_TRANSFORM_RULE]),
        possibleLengths: Array.isArray(lengths) ? (lengths as number[]) : undefined,
      };
    }
  }
  planCache.set(country, plan);
  return plan;
}

/**
 * The plan of a country libphonenumber-js knows (null when not simple, see planOf), or
 * undefined for a code it does not know. Only known countries are cached, so arbitrary input
 * cannot grow the cache.
 */
function knownPlanOf(country: string): Plan | null | undefined {
  const plan = planCache.get(country);
  if (plan !== undefined) return plan;
  return hasOwn(metadata.countries, country) ? planOf(country) : undefined;
}

const callingCodeCache = new Map<string, Plan | null | false>();

/**
 * Whether libphonenumber-js knows `code` (1 to 3 digits) as a calling code: its plan when it is
 * a simple one, null when it is not, false when no number starts with it.
 */
function callingCodePlan(code: string): Plan | null | false {
  let plan = callingCodeCache.get(code);
  if (plan !== undefined) return plan;
  const sharers: unknown = hasOwn(metadata.country_calling_codes, code)
    ? metadata.country_calling_codes[code]
    : undefined;
  if (Array.isArray(sharers)) {
    const first: unknown = sharers[0];
    const sole = sharers.length === 1 && typeof first === 'string' ? knownPlanOf(first) : null;
    plan = sole !== undefined && sole !== null && sole.callingCode === code ? sole : null;
  } else {
    plan = hasOwn(metadata.nonGeographic, code) ? null : false;
  }
  callingCodeCache.set(code, plan);
  return plan;
}

/** The digits of `text`, or undefined when it holds anything but digits and separators. */
function plainDigits(text: string, start: number): string | undefined {
  let digits = '';
  let runStart = start;
  for (let i = start; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    // Space, dash, dot and brackets: punctuation libphonenumber-js drops, never an extension.
    if (c !== 32 && c !== 45 && c !== 46 && c !== 40 && c !== 41) return undefined;
    if (i > runStart) digits += text.slice(runStart, i);
    runStart = i + 1;
  }
  if (runStart === start) return start === 0 ? text : text.slice(start);
  return runStart < text.length ? digits + text.slice(runStart) : digits;
}

/** extractNationalNumberFromPossiblyIncompleteNumber: drops a trunk prefix or carrier code. */
function withoutNationalPrefix(number: string, plan: Plan): string {
  if (number === '' || plan.nationalPrefix === undefined) return number;
  const match = plan.nationalPrefix.exec(number);
  if (match === null) return number;
  const lastGroup = match.length > 1 ? match[match.length - 1] : undefined;
  if (plan.nationalPrefixTransform !== undefined && lastGroup !== undefined && lastGroup !== '')
    return number.replace(plan.nationalPrefix, plan.nationalPrefixTransform);
  return number.slice(match[0].length);
}

/** checkNumberLength: false for TOO_SHORT and INVALID_LENGTH. */
function isPossibleLength(length: number, lengths: readonly number[]): boolean {
  const shortest = lengths[0];
  if (shortest === undefined) return false;
  if (shortest === length) return true;
  if (shortest > length) return false;
  if ((lengths[lengths.length - 1] ?? 0) < length) return true;
  return lengths.indexOf(length, 1) >= 0;
}

/** checkNumberLength === 'TOO_LONG'. */
function isTooLong(length: number, lengths: readonly number[] | undefined): boolean {
  if (lengths === undefined || lengths.length === 0) return false;
  const shortest = lengths[0] as number;
  return shortest !== length && shortest < length && (lengths[lengths.length - 1] ?? 0) < length;
}

/** extractNationalNumber: the national significant number of a national-format number. */
function nationalNumberOf(number: string, plan: Plan): string {
  const national = withoutNationalPrefix(number, plan);
  if (national === number) return number;
  if (plan.nationalNumber.test(number) && !plan.nationalNumber.test(national)) return number;
  if (
    plan.possibleLengths !== undefined &&
    !isPossibleLength(national.length, plan.possibleLengths)
  )
    return number;
  return national;
}

/**
 * libphonenumber-js's reading of `text` (trimmed, "00" already turned into "+") when it is a
 * plain number in a simple plan and valid; undefined to let libphonenumber-js answer.
 */
function readPlainNumber(
  text: string,
  defaultCountry: string | undefined,
): NormalizePhoneResult | undefined {
  if (!canReadQuickly || text.length > maxInputLength) return undefined;
  const hasPlus = text.charCodeAt(0) === 43;
  const digits = plainDigits(text, hasPlus ? 1 : 0);
  if (digits === undefined || digits.length < 3) return undefined;
  // parsePhoneNumber drops a default country the metadata does not know; a number with its
  // "+" never needs one.
  const fallback =
    hasPlus || defaultCountry === undefined ? undefined : knownPlanOf(defaultCountry);
  if (fallback === null) return undefined;

  let international: string | undefined = hasPlus ? digits : undefined;
  let plan: Plan | undefined;
  let rest: string | undefined;
  if (fallback !== undefined) {
    const idd = fallback.iddPrefix?.exec(digits);
    if (idd !== null && idd !== undefined && idd[0] !== '') {
      const afterIdd = digits.slice(idd[0].length);
      if (afterIdd !== '' && afterIdd.charCodeAt(0) !== 48) international = afterIdd;
    }
    if (international === undefined && digits.startsWith(fallback.callingCode)) {
      // An international number written without its "+" ("573001234567" in Colombia).
      const shorter = digits.slice(fallback.callingCode.length);
      const shorterNational = nationalNumberOf(shorter, fallback);
      const wholeNational = nationalNumberOf(digits, fallback);
      if (
        (!fallback.nationalNumber.test(wholeNational) &&
          fallback.nationalNumber.test(shorterNational)) ||
        isTooLong(wholeNational.length, fallback.possibleLengths)
      ) {
        plan = fallback;
        rest = shorter;
      }
    }
    if (international === undefined && plan === undefined) {
      plan = fallback;
      rest = digits;
    }
  }
  if (international !== undefined) {
    if (international.charCodeAt(0) === 48) return undefined;
    const longest = Math.min(maxCallingCodeLength, international.length);
    for (let length = 1; length <= longest; length += 1) {
      const found = callingCodePlan(international.slice(0, length));
      if (found === false) continue;
      if (found === null) return undefined;
      plan = found;
      rest = international.slice(length);
      break;
    }
  }
  if (plan === undefined || rest === undefined || rest === '') return undefined;
  const national = nationalNumberOf(rest, plan);
  if (national.length < minNationalLength || national.length > maxNationalLength) return undefined;
  if (!plan.nationalNumber.test(national)) return undefined;
  return { ok: true, e164: `+${plan.callingCode}${national}`, country: plan.country };
}
