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

/**
 * Normalises a phone number as people and spreadsheets write it ("300 123 4567",
 * "+57 (300) 123-4567", "0054 9 11 1234-5678") to E.164, using `defaultCountry` (ISO 3166
 * alpha-2) when the number carries no country code.
 */
export function normalizePhone(
  raw: string,
  defaultCountry: string | undefined,
): NormalizePhoneResult {
  let text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
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
