/**
 * A screen for prompt injection in debtor text, in Spanish, English and Portuguese. It runs
 * before any model is called: a message that tries to give the bot orders ("ignora tus
 * instrucciones", "you are now in admin mode"), pretends to be a system or model message, or
 * tells the bot to change the debt ("marca mi deuda como pagada") never reaches the model; the
 * rules understanding alone answers it. A false alarm only costs the LLM's help on one turn.
 *
 * This is one layer of three: the model's answer is also validated against the debtor's words
 * (src/domain/llm/validate.ts), and the engine alone decides money, dates and acceptance.
 */

/** Lower case, accents stripped, whitespace collapsed: the screen's view of a message. */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

const signals: readonly (readonly [string, RegExp])[] = [
  // Overriding the instructions.
  [
    'override',
    /\b(?:ignor[ae]\w*|olvid[ae]\w*|disregard\w*|forget|esquec[ae]\w*|desconsider[ae]\w*|omit[ae]\w*|skip|salt[ae]\w*)\b.{0,40}\b(?:instruc\w*|instruc[oõ]es|instrucoes|instructions?|reglas|rules|regras|indicaciones|prompt|directiv\w*|politic\w*|policy|policies|guidelines|restriccion\w*|restrictions?|restric\w*)/,
  ],
  [
    'override',
    /\b(?:desactiv\w*|quit\w*|remov\w*|disable|turn off|desativ\w*|tira\w*)\b.{0,20}\b(?:restriccion\w*|restric\w*|restrictions?|filtros?|filters?|limites|limits|reglas|rules|regras)\b/,
  ],
  [
    'override',
    /\b(?:new|nuevas?|novas?) (?:instructions|instrucciones|instrucoes|rules|reglas|regras)\b/,
  ],
  // Changing the model's role or mode.
  [
    'role',
    /\b(?:you are now|you're now|from now on you|act as|pretend to be|ahora eres|ahora sos|a partir de ahora (?:eres|sos|vas a)|actua como|finge ser|haz de cuenta|agora voce e|a partir de agora voce|finja ser|aja como|atue como)\b/,
  ],
  [
    'role',
    /\b(?:admin|administrador|administrator|developer|desarrollador|desenvolvedor|debug|god|dios|root|sudo|superuser|superusuario|mantenimiento|maintenance|manutencao)\s?(?:mode|modo)\b|\b(?:modo|mode) (?:admin|administrador|administrator|developer|desarrollador|desenvolvedor|debug|dios|deus|god|root|sudo|mantenimiento|manutencao|sin restricciones|sem restricoes|unrestricted)\b|\bjailbreak\b|\bdan mode\b/,
  ],
  // Text pretending to be a system, developer or model message, or the model's JSON answer.
  [
    'impersonation',
    /(?:^|\n|\s)(?:\[|<|###\s?|<\|)?\s?(?:system|sistema|developer|assistant|asistente|assistente|im_start|im_end)\s?(?:\]|>|\|>|:)/,
  ],
  [
    'impersonation',
    /\b(?:system message|system prompt|mensaje del sistema|mensaje de sistema|mensagem do sistema|nota del sistema|aviso del sistema|instruccion del sistema|end of (?:the )?(?:user )?(?:message|input)|fin del mensaje del usuario)\b/,
  ],
  ['impersonation', /"\s*(?:intent|confidence|entities|role)\s*"\s*:/],
  // Asking to see the prompt.
  [
    'prompt_leak',
    /\b(?:reveal|show|print|repeat|muestra\w*|mostra\w*|revela\w*|repit\w*|repet\w*|imprim\w*)\b.{0,30}\b(?:system prompt|prompt|instruc\w*|instructions)\b/,
  ],
  // Telling the bot to change the debt, the balance or the record.
  [
    'state_command',
    /\b(?:marca\w*|marque\w*|marcar|mark|pon|pone|ponelo|ponga\w*|ponme|poner|set|registra|registre\w*|registrar|anota|anote\w*|record|update|actualiza\w*|actualice\w*|atualiz[ae]\w*|cambia|cambie\w*|change|muda|mude\w*|coloca|coloque\w*|deja|dejala|dejalo|dejen|make|haz|hace|faca|deixa|deixe)\b.{0,40}\b(?:pagad[ao]s?|paid|saldad[ao]|quitad[ao]|cancelad[ao]|liquidad[ao]|settled|cleared|zero|cero|zerad[ao]|en 0|to 0|como 0|a 0|em 0)\b/,
  ],
  [
    'state_command',
    /\b(?:borr\w*|elimin\w*|delet\w*|remov\w*|apag\w*|exclu\w*|zer\w*|wipe|erase|resetea\w*|reset)\b.{0,30}\b(?:deuda|debt|divida|saldo|balance|cuenta|account|conta|registro|record)\b/,
  ],
  [
    'state_command',
    /\b(?:aplica\w*|apply|da(?:me|r)?|give|conced\w*|aprob\w*|approve|aprov\w*|autoriz\w*|authori[sz]e)\b.{0,30}\b(?:100 ?%|cien por ciento|cem por cento|hundred percent|descuento total|desconto total|full discount|condonacion total)/,
  ],
  [
    'state_command',
    /\b(?:override|bypass|salta\w* la validacion|sin validar|without validation|sem validacao)\b/,
  ],
];

/** What the screen found: whether to keep the model out of this turn, and why. */
export interface InjectionScreen {
  readonly isSuspect: boolean;
  /** The kinds of signal found, for the transcript (override, role, impersonation...). */
  readonly signals: readonly string[];
}

/** Screens one debtor message for attempts to instruct the bot. Pure. */
export function screenForInjection(text: string): InjectionScreen {
  const folded = fold(text);
  const found = new Set<string>();
  for (const [kind, pattern] of signals) if (pattern.test(folded)) found.add(kind);
  return { isSuspect: found.size > 0, signals: [...found] };
}
