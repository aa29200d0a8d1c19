/**
 * Text normalization for the rules understander: debtors type on phones, without accents, with
 * SMS-speak, stretched letters and emoji. Everything downstream (lexicons, entity rules) is
 * written against the output of this module, so its choices are the contract:
 *
 * - lower case; accents stripped; ñ becomes n and ç becomes c ("mañana" -> "manana");
 * - emoji become meaning tokens (`emoji_yes`, `emoji_no`, `emoji_please`, `emoji_angry`,
 *   `emoji_sad`, `emoji_wave`, `emoji_money`, `emoji_laugh`, `emoji_love`, `emoji_think`);
 * - letters repeated three or more times collapse to one ("siiii" -> "si"); doubled letters
 *   collapse too in Spanish and Portuguese, except those the language really doubles;
 * - SMS-speak and common misspellings are mapped per language ("kiero" -> "quiero");
 * - punctuation becomes a space, except inside numbers ("1.500,50", "15/12") and a currency
 *   sign before a number ("$", "s/", "r$").
 */

/** The languages with a lexicon. */
export type Lang = 'es' | 'en' | 'pt';

/** Picks the lexicon language from a BCP 47 tag; unknown languages fall back to Spanish. */
export function langOf(locale: string): Lang {
  const tag = locale.toLowerCase();
  if (tag.startsWith('en')) return 'en';
  if (tag.startsWith('pt')) return 'pt';
  return 'es';
}

const emojiTokens: readonly (readonly [string, string])[] = [
  ['emoji_yes', '👍 👌 ✅ ✔ ☑ 🆗 🤝 💪'],
  ['emoji_no', '👎 ❌ ✖ 🚫 ⛔'],
  ['emoji_please', '🙏'],
  ['emoji_angry', '😡 🤬 😠 🖕 💩 👿 😤'],
  ['emoji_sad', '😭 😢 😞 😔 💔 😩 😫 😥 😿 🥺'],
  ['emoji_wave', '👋'],
  ['emoji_money', '💵 💰 💸 🤑 💲 💳'],
  ['emoji_laugh', '😂 🤣 😆 😅 😁 😄'],
  ['emoji_love', '❤ 😍 🥰 😘 💙 💚 💜 🧡 💛'],
  ['emoji_think', '🤔 ❓ ❔ 🤨'],
];

const emojiToToken = new Map<string, string>();
for (const [token, list] of emojiTokens) {
  for (const emoji of list.split(' ')) emojiToToken.set(emoji, token);
}

const emojiPattern = /\p{Extended_Pictographic}/gu;
const variationSelectors = /[\uFE0E\uFE0F\u200D]|\p{Emoji_Modifier}/gu;
const combiningMarks = /[\u0300-\u036f]/g;

/** Letters a language legitimately doubles; other doubled letters are stretching ("noo"). */
const keepDoubles: Readonly<Record<Lang, RegExp>> = {
  es: /([abdf-kmo-qs-z])\1+/g,
  pt: /([a-df-qt-z])\1+/g,
  en: /([^\W\d_])\1{2,}/g,
};

/** Per-language word replacements, applied to whole tokens after accent stripping. */
const wordFixes: Readonly<Record<Lang, Readonly<Record<string, string>>>> = {
  es: {
    q: 'que',
    k: 'que',
    ke: 'que',
    qe: 'que',
    xq: 'porque',
    pq: 'porque',
    porq: 'porque',
    xk: 'porque',
    x: 'por',
    tmb: 'tambien',
    tb: 'tambien',
    tambn: 'tambien',
    xfa: 'por favor',
    xfavor: 'por favor',
    porfa: 'por favor',
    porfis: 'por favor',
    porfavor: 'por favor',
    plis: 'por favor',
    pls: 'por favor',
    kiero: 'quiero',
    qiero: 'quiero',
    kisiera: 'quisiera',
    devo: 'debo',
    debe: 'debe',
    deuda: 'deuda',
    dueda: 'deuda',
    acesor: 'asesor',
    asesora: 'asesor',
    acesora: 'asesor',
    asessor: 'asesor',
    ablar: 'hablar',
    habar: 'hablar',
    aser: 'hacer',
    aber: 'haber',
    ola: 'hola',
    hla: 'hola',
    holis: 'hola',
    grax: 'gracias',
    grasias: 'gracias',
    gracia: 'gracias',
    grcs: 'gracias',
    grs: 'gracias',
    kien: 'quien',
    qien: 'quien',
    kuanto: 'cuanto',
    cuannto: 'cuanto',
    qanto: 'cuanto',
    kanto: 'cuanto',
    cuant: 'cuanto',
    cnt: 'cuanto',
    bno: 'bueno',
    bn: 'bien',
    d: 'de',
    dl: 'del',
    toy: 'estoy',
    toi: 'estoy',
    stoy: 'estoy',
    sta: 'esta',
    nesesito: 'necesito',
    nececito: 'necesito',
    necesit: 'necesito',
    nsecito: 'necesito',
    reconosco: 'reconozco',
    reconoco: 'reconozco',
    equivocao: 'equivocado',
    ekivocado: 'equivocado',
    mnn: 'manana',
    mn: 'manana',
    manana: 'manana',
    page: 'pague',
    pagè: 'pague',
    cancele: 'cancele',
    okis: 'ok',
    oki: 'ok',
    okey: 'ok',
    okay: 'ok',
    okk: 'ok',
    oka: 'ok',
    vale: 'vale',
    dnd: 'donde',
    tbn: 'tambien',
    nada: 'nada',
    salu2: 'saludos',
    vdd: 'verdad',
    msj: 'mensaje',
    msjs: 'mensajes',
    mje: 'mensaje',
    nro: 'numero',
    num: 'numero',
    nmro: 'numero',
    ps: 'pues',
    pes: 'pues',
    pa: 'para',
    pal: 'para el',
    hoi: 'hoy',
    oy: 'hoy',
    ntp: 'no te preocupes',
    tqm: 'te quiero mucho',
    wn: 'weon',
    ctm: 'conchetumare',
    hdp: 'hijo de puta',
    hp: 'hijueputa',
    hpta: 'hijueputa',
    ptm: 'puta madre',
    cdtm: 'conchetumare',
    ql: 'culiao',
    qlo: 'culiao',
    mrd: 'mierda',
    bye: 'chao',
    bay: 'chao',
    bai: 'chao',
    chau: 'chao',
  },
  pt: {
    q: 'que',
    vc: 'voce',
    vcs: 'voces',
    tb: 'tambem',
    tbm: 'tambem',
    pq: 'porque',
    n: 'nao',
    naum: 'nao',
    nao: 'nao',
    nn: 'nao',
    blz: 'beleza',
    obg: 'obrigado',
    obgd: 'obrigado',
    obgda: 'obrigada',
    brigado: 'obrigado',
    brigada: 'obrigada',
    vlw: 'valeu',
    td: 'tudo',
    msm: 'mesmo',
    hj: 'hoje',
    qnd: 'quando',
    qdo: 'quando',
    qto: 'quanto',
    qt: 'quanto',
    kd: 'cade',
    pra: 'para',
    pro: 'para o',
    p: 'para',
    to: 'estou',
    tou: 'estou',
    ta: 'esta',
    tah: 'esta',
    eh: 'e',
    mt: 'muito',
    mto: 'muito',
    tbem: 'tambem',
    aki: 'aqui',
    oie: 'oi',
    oii: 'oi',
    ola: 'ola',
    ok: 'ok',
    okay: 'ok',
    okey: 'ok',
    sss: 'sim',
    s: 'sim',
    ss: 'sim',
    vdd: 'verdade',
    fds: 'foda se',
    vsf: 'vai se foder',
    vtnc: 'vai tomar no cu',
    pqp: 'puta que pariu',
    tchau: 'tchau',
    flw: 'falou',
    amanha: 'amanha',
    amnh: 'amanha',
    dps: 'depois',
    msg: 'mensagem',
    msgs: 'mensagens',
  },
  en: {
    u: 'you',
    ur: 'your',
    r: 'are',
    pls: 'please',
    plz: 'please',
    thx: 'thanks',
    thnx: 'thanks',
    ty: 'thank you',
    tysm: 'thank you',
    cuz: 'because',
    bc: 'because',
    wanna: 'want to',
    gonna: 'going to',
    gotta: 'have to',
    im: 'i am',
    ive: 'i have',
    ill: 'i will',
    id: 'i would',
    cant: 'cannot',
    dont: 'do not',
    didnt: 'did not',
    wont: 'will not',
    doesnt: 'does not',
    isnt: 'is not',
    whats: 'what is',
    thats: 'that is',
    its: 'it is',
    okay: 'ok',
    okey: 'ok',
    k: 'ok',
    kk: 'ok',
    yea: 'yeah',
    ya: 'yeah',
    yup: 'yep',
    tmrw: 'tomorrow',
    tmr: 'tomorrow',
    tomorow: 'tomorrow',
    tommorow: 'tomorrow',
    tommorrow: 'tomorrow',
    fri: 'friday',
    mon: 'monday',
    asap: 'as soon as possible',
    idk: 'i do not know',
    wtf: 'what the fuck',
    stfu: 'shut the fuck up',
    fu: 'fuck you',
    bday: 'birthday',
    pmt: 'payment',
    acct: 'account',
    amt: 'amount',
  },
};

const apostrophes = /['’`´]/g;
/** Keeps ".", ",", "/" only between digits, "$" before a digit, and letters/digits/spaces. */
const punctuation = /((?<=\d)[.,/-](?=\d)|\$(?=\s?\d))|[^\p{L}\p{N}\s_]/gu;

/**
 * Normalizes a debtor's message for matching. Pure and deterministic; see the module comment
 * for the rules. The result has single spaces between tokens and no leading/trailing space.
 */
export function normalize(text: string, lang: Lang): string {
  let out = text.replace(emojiPattern, (emoji) => ` ${emojiToToken.get(emoji) ?? ''} `);
  out = out.replace(variationSelectors, '').toLowerCase();
  // Keep the currency signs that contain a letter as one token before punctuation goes.
  out = out.replace(/\b(r|s|u)\s?\$/g, '$1$$').replace(/\bs\/\.?\s?(?=\d)/g, 's$$ ');
  out = out.replace(/ñ/g, 'n').normalize('NFD').replace(combiningMarks, '');
  if (lang === 'en') out = out.replace(apostrophes, '');
  else out = out.replace(apostrophes, ' ');
  out = out.replace(/\bus\$/g, ' usd ').replace(/\bu\$s\b/g, ' usd ');
  out = out.replace(punctuation, (_match, kept: string | undefined) => kept ?? ' ');
  out = out.replace(/(\d)\s*([xk])\b/g, '$1$2');
  out = out.replace(/([^\W\d_])\1{2,}/g, '$1');
  out = out.replace(keepDoubles[lang], '$1');
  const fixes = wordFixes[lang];
  const tokens = out.split(/\s+/).filter((token) => token !== '');
  return tokens.map((token) => fixes[token] ?? token).join(' ');
}
