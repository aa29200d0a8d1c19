import { isTimeZone } from './dates.js';

/**
 * Defaults per country (ISO 3166 alpha-2): the IANA zone of the most populous region and the
 * locale for formatting. Countries with several zones (MX, BR, US, AR) get the capital's zone;
 * an import's `timezone` column overrides it per debtor.
 */
const regions: Readonly<Record<string, { timeZone: string; locale: string }>> = {
  AR: { timeZone: 'America/Argentina/Buenos_Aires', locale: 'es-AR' },
  BO: { timeZone: 'America/La_Paz', locale: 'es-BO' },
  BR: { timeZone: 'America/Sao_Paulo', locale: 'pt-BR' },
  CL: { timeZone: 'America/Santiago', locale: 'es-CL' },
  CO: { timeZone: 'America/Bogota', locale: 'es-CO' },
  CR: { timeZone: 'America/Costa_Rica', locale: 'es-CR' },
  DO: { timeZone: 'America/Santo_Domingo', locale: 'es-DO' },
  EC: { timeZone: 'America/Guayaquil', locale: 'es-EC' },
  ES: { timeZone: 'Europe/Madrid', locale: 'es-ES' },
  GT: { timeZone: 'America/Guatemala', locale: 'es-GT' },
  HN: { timeZone: 'America/Tegucigalpa', locale: 'es-HN' },
  MX: { timeZone: 'America/Mexico_City', locale: 'es-MX' },
  NI: { timeZone: 'America/Managua', locale: 'es-NI' },
  PA: { timeZone: 'America/Panama', locale: 'es-PA' },
  PE: { timeZone: 'America/Lima', locale: 'es-PE' },
  PR: { timeZone: 'America/Puerto_Rico', locale: 'es-PR' },
  PT: { timeZone: 'Europe/Lisbon', locale: 'pt-PT' },
  PY: { timeZone: 'America/Asuncion', locale: 'es-PY' },
  SV: { timeZone: 'America/El_Salvador', locale: 'es-SV' },
  US: { timeZone: 'America/New_York', locale: 'en-US' },
  UY: { timeZone: 'America/Montevideo', locale: 'es-UY' },
  VE: { timeZone: 'America/Caracas', locale: 'es-VE' },
  CA: { timeZone: 'America/Toronto', locale: 'en-CA' },
  GB: { timeZone: 'Europe/London', locale: 'en-GB' },
};

const regionByCountry: ReadonlyMap<string, { timeZone: string; locale: string }> = new Map(
  Object.entries(regions),
);

/** The defaults of a country code in any case; the usual upper-case code needs no new string. */
function regionOf(country: string): { timeZone: string; locale: string } | undefined {
  return regionByCountry.get(country) ?? regionByCountry.get(country.toUpperCase());
}

export function defaultTimeZoneFor(country: string | undefined): string | undefined {
  return country === undefined ? undefined : regionOf(country)?.timeZone;
}

export function defaultLocaleFor(country: string | undefined): string | undefined {
  return country === undefined ? undefined : regionOf(country)?.locale;
}

/**
 * The debtor's time zone, by the rule: the import's explicit zone, else the phone's country,
 * else the operator's default. An explicit zone must be a valid IANA name.
 */
export function resolveTimeZone(
  explicit: string | undefined,
  phoneCountryCode: string | undefined,
  operatorDefault: string,
): string {
  if (explicit !== undefined && explicit !== '' && isTimeZone(explicit)) return explicit;
  return defaultTimeZoneFor(phoneCountryCode) ?? operatorDefault;
}

/** True for a BCP 47 tag Intl accepts ("es-CO", "pt-BR", "en"). */
export function isLocaleTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}
