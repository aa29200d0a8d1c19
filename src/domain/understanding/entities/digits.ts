/**
 * Digits the debtor typed as an answer ("1234", "mi cédula termina en 5678", "RUT 12.345.678-9")
 * and a menu choice ("2", "opción 2"). The engine decides what they mean for its step.
 */
import type { Masked } from './mask.js';
import { consume } from './mask.js';

const identityCue =
  /\b(?:cedula|documento|dni|rut|run|cpf|ci|ine|curp|cuit|cuil|nit|carnet|identificacion|identidad|pasaporte|rg|ssn|social|id|termina(?:n)? en|terminacion|termina com|final|ends (?:in|with)|last (?:four|4)(?: digits)?|ultimos (?:\d|cuatro|4)(?: digitos| numeros)?(?: son)?|digitos|numero de documento)\b(?: (?:es|son|e|is|are|de|do|number|numero|mi|el|termina en))*:? ?(\d[\d.\- ]{2,}\d|\d{3,})/g;

const bareDigits = /^\s*(\d[\d -]*\d|\d)\s*$/;
const choicePhrase = /^(?:(?:la |a )?(?:opcion|opcao|option|numero|number|nro|#) |la )?(\d{1,2})$/;

/** What {@link extractDigits} found. */
export interface DigitEntities {
  readonly digits?: string;
  readonly choice?: string;
}

/**
 * Reads digits after an identity cue anywhere, or a message that is only digits: one or two
 * digits (up to 20) are a menu choice, longer runs are digits. Call after dates, counts and
 * amounts have blanked out their numbers; the identity cue is read first, before any of them.
 */
export function extractDigits(masked: Masked, normalized: string): DigitEntities {
  identityCue.lastIndex = 0;
  const cued = identityCue.exec(masked.text);
  if (cued?.[1] !== undefined) {
    const start = cued.index + cued[0].length - cued[1].length;
    consume(masked, start, cued.index + cued[0].length);
    return { digits: cued[1].replace(/\D/g, '') };
  }
  const choice = choicePhrase.exec(normalized);
  if (choice?.[1] !== undefined && Number(choice[1]) >= 1 && Number(choice[1]) <= 20) {
    return { choice: String(Number(choice[1])) };
  }
  const bare = bareDigits.exec(normalized);
  if (bare?.[1] !== undefined) {
    const digits = bare[1].replace(/\D/g, '');
    if (digits.length >= 3) return { digits };
  }
  return {};
}
