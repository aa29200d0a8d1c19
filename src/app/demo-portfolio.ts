/**
 * A realistic, deterministic Latin American portfolio for demos and benchmarks: debtors in
 * Colombia, Mexico, Argentina, Chile, Peru and Brazil with phones valid for their country,
 * local currencies and balances, documents (with real check digits for Chile's RUT and
 * Brazil's CPF), products, segments and due dates spread over every aging bucket relative to
 * `asOf`. The same options always give the same rows.
 *
 * The first rows are well known, for trying the chat:
 * - DEMO-0001 (debtor DEMO-D0001, María Fernanda López Rojas, CO): document 1020451234, so the
 *   last four digits are 1234; COP 1.250.000 in a credit card, 45 days past due. DEMO-0007 is
 *   her second account (a phone line, 20 days past due).
 * - DEMO-0002 José Luis Hernández García (MX, document ends 5678), 12 days past due.
 * - DEMO-0003 Ana Paula Souza Lima (BR, CPF), 95 days past due.
 * - DEMO-0004 Camila Andrea Rojas Muñoz (CL, RUT), not yet due.
 * - DEMO-0005 Lucía Belén Fernández (AR), 200 days past due.
 * - DEMO-0006 Carlos Alberto Quispe Mamani (PE), 70 days past due, has a Telegram id.
 */
import { addDays, type LocalDate } from '../domain/dates.js';

/** The columns of a generated file, in order. */
export const demoPortfolioColumns = [
  'account_ref',
  'debtor_ref',
  'name',
  'document_id',
  'phone',
  'email',
  'country',
  'timezone',
  'currency',
  'balance',
  'original_amount',
  'min_payment',
  'due_date',
  'product',
  'segment',
  'tags',
  'telegram_id',
] as const;

export interface DemoPortfolioOptions {
  /** How many accounts (rows). */
  readonly accounts: number;
  readonly seed: number;
  /** Due dates are spread relative to this day so aging stays realistic. */
  readonly asOf: LocalDate;
  /** Account refs are `<prefix>-0001`..., debtor refs `<prefix>-D0001`...; default DEMO. */
  readonly refPrefix?: string;
  /**
   * 0 for the portfolio as generated; a later revision lowers the balance of about half the
   * accounts (payments came in), everything else equal: for re-import benchmarks.
   */
  readonly revision?: number;
}

/** A small, fast, seedable PRNG (mulberry32); returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Country = 'CO' | 'MX' | 'AR' | 'CL' | 'PE' | 'BR';

interface CountryProfile {
  readonly weight: number;
  readonly currency: string;
  /** Balance range in major units (log-uniform). */
  readonly balance: readonly [number, number];
  readonly exponent: number;
  readonly callingCode: string;
  readonly zones: readonly string[];
  readonly domains: readonly string[];
}

const profiles: Readonly<Record<Country, CountryProfile>> = {
  CO: {
    weight: 30,
    currency: 'COP',
    balance: [80_000, 18_000_000],
    exponent: 2,
    callingCode: '57',
    zones: [],
    domains: ['example.com', 'correo.example.co'],
  },
  MX: {
    weight: 25,
    currency: 'MXN',
    balance: [800, 180_000],
    exponent: 2,
    callingCode: '52',
    zones: ['America/Monterrey', 'America/Tijuana', 'America/Cancun', 'America/Merida'],
    domains: ['example.com', 'example.mx'],
  },
  AR: {
    weight: 10,
    currency: 'ARS',
    balance: [25_000, 6_000_000],
    exponent: 2,
    callingCode: '54',
    zones: ['America/Argentina/Cordoba', 'America/Argentina/Mendoza'],
    domains: ['example.com', 'example.com.ar'],
  },
  CL: {
    weight: 10,
    currency: 'CLP',
    balance: [30_000, 6_500_000],
    exponent: 0,
    callingCode: '56',
    zones: ['America/Punta_Arenas'],
    domains: ['example.com', 'example.cl'],
  },
  PE: {
    weight: 10,
    currency: 'PEN',
    balance: [150, 45_000],
    exponent: 2,
    callingCode: '51',
    zones: [],
    domains: ['example.com', 'example.pe'],
  },
  BR: {
    weight: 15,
    currency: 'BRL',
    balance: [120, 55_000],
    exponent: 2,
    callingCode: '55',
    zones: ['America/Manaus', 'America/Recife', 'America/Belem'],
    domains: ['example.com', 'example.com.br'],
  },
};
const countries = Object.keys(profiles) as Country[];
const totalWeight = countries.reduce((sum, c) => sum + profiles[c].weight, 0);

const spanishFirst = [
  'María',
  'José',
  'Juan',
  'Ana',
  'Luis',
  'Carmen',
  'Carlos',
  'Laura',
  'Jorge',
  'Sofía',
  'Andrés',
  'Valentina',
  'Diego',
  'Camila',
  'Miguel',
  'Daniela',
  'Alejandro',
  'Paula',
  'Fernando',
  'Gabriela',
  'Ricardo',
  'Lucía',
  'Javier',
  'Isabel',
  'Sebastián',
  'Mariana',
  'Héctor',
  'Natalia',
  'Óscar',
  'Verónica',
  'Raúl',
  'Ximena',
  'Iván',
  'Patricia',
  'Tomás',
  'Rocío',
];
const spanishLast = [
  'García',
  'Rodríguez',
  'Martínez',
  'López',
  'González',
  'Hernández',
  'Pérez',
  'Sánchez',
  'Ramírez',
  'Torres',
  'Flores',
  'Rivera',
  'Gómez',
  'Díaz',
  'Reyes',
  'Morales',
  'Jiménez',
  'Ruiz',
  'Álvarez',
  'Castillo',
  'Vargas',
  'Romero',
  'Herrera',
  'Medina',
  'Castro',
  'Ortiz',
  'Núñez',
  'Peña',
  'Rojas',
  'Muñoz',
  'Quispe',
  'Mamani',
  'Fernández',
  'Silva',
  'Acosta',
  'Benítez',
  'Cárdenas',
  'Ospina',
  'Zúñiga',
  'Ibáñez',
];
const portugueseFirst = [
  'Ana',
  'João',
  'Maria',
  'José',
  'Pedro',
  'Juliana',
  'Lucas',
  'Fernanda',
  'Gabriel',
  'Camila',
  'Rafael',
  'Beatriz',
  'Mateus',
  'Larissa',
  'Thiago',
  'Letícia',
  'Felipe',
  'Mariana',
  'Bruno',
  'Patrícia',
  'Vinícius',
  'Aline',
  'Gustavo',
  'Débora',
];
const portugueseLast = [
  'Silva',
  'Santos',
  'Oliveira',
  'Souza',
  'Rodrigues',
  'Ferreira',
  'Alves',
  'Pereira',
  'Lima',
  'Gomes',
  'Costa',
  'Ribeiro',
  'Martins',
  'Carvalho',
  'Araújo',
  'Melo',
  'Barbosa',
  'Rocha',
  'Dias',
  'Nascimento',
  'Conceição',
  'Magalhães',
];
const spanishProducts = [
  'tarjeta de crédito',
  'préstamo personal',
  'crédito de consumo',
  'servicio móvil',
  'crédito vehicular',
  'microcrédito',
  'internet hogar',
];
const portugueseProducts = [
  'cartão de crédito',
  'empréstimo pessoal',
  'crédito consignado',
  'serviço móvel',
  'financiamento de veículo',
];
const segments = ['retail', 'retail', 'retail', 'pyme', 'premium', 'joven', 'nómina'];
const tagPool = [
  'primer-impago',
  'reincidente',
  'promesa-incumplida',
  'alto-riesgo',
  'cliente-antiguo',
  'whatsapp-activo',
];

/** Days past due by bucket: current (not yet due, up to 30 days ahead), 1-30, ... 180+. */
const agingSpread: readonly {
  readonly weight: number;
  readonly min: number;
  readonly max: number;
}[] = [
  { weight: 14, min: -30, max: 0 },
  { weight: 26, min: 1, max: 30 },
  { weight: 18, min: 31, max: 60 },
  { weight: 12, min: 61, max: 90 },
  { weight: 15, min: 91, max: 180 },
  { weight: 15, min: 181, max: 720 },
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function digits(random: () => number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i += 1) out += String(Math.floor(random() * 10));
  return out;
}

/** Minor units as a plain decimal with a point ("1234.56"; "845000" for zero-decimal currencies). */
function decimal(minorUnits: number, exponent: number): string {
  if (exponent === 0) return String(minorUnits);
  const text = String(minorUnits).padStart(exponent + 1, '0');
  return `${text.slice(0, -exponent)}.${text.slice(-exponent)}`;
}

function rutCheckDigit(body: string): string {
  let sum = 0;
  let factor = 2;
  for (let i = body.length - 1; i >= 0; i -= 1) {
    sum += Number(body[i]) * factor;
    factor = factor === 7 ? 2 : factor + 1;
  }
  const dv = 11 - (sum % 11);
  return dv === 11 ? '0' : dv === 10 ? 'K' : String(dv);
}

function cpfCheckDigits(body: string): string {
  const digit = (text: string): string => {
    let sum = 0;
    for (let i = 0; i < text.length; i += 1) sum += Number(text[i]) * (text.length + 1 - i);
    const rest = (sum * 10) % 11;
    return String(rest === 10 ? 0 : rest);
  };
  const first = digit(body);
  return first + digit(body + first);
}

function groupThousands(text: string): string {
  return text.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

function documentFor(random: () => number, country: Country): string {
  switch (country) {
    case 'CO':
      return String(10_000_000 + Math.floor(random() * 1_190_000_000));
    case 'MX': {
      const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
      let curp = '';
      for (let i = 0; i < 4; i += 1) curp += pick(random, letters.split(''));
      return `${curp}${digits(random, 6)}${pick(random, ['H', 'M'])}DF${digits(random, 5)}`;
    }
    case 'AR':
      return groupThousands(String(20_000_000 + Math.floor(random() * 25_000_000)));
    case 'CL': {
      const body = String(8_000_000 + Math.floor(random() * 18_000_000));
      return `${groupThousands(body)}-${rutCheckDigit(body)}`;
    }
    case 'PE':
      return String(40_000_000 + Math.floor(random() * 39_999_999));
    case 'BR': {
      const body = `${1 + Math.floor(random() * 9)}${digits(random, 8)}`;
      const full = body + cpfCheckDigits(body);
      return `${full.slice(0, 3)}.${full.slice(3, 6)}.${full.slice(6, 9)}-${full.slice(9)}`;
    }
  }
}

/** A mobile number valid for the country, written one of the ways people write them. */
function phoneFor(random: () => number, country: Country): string {
  const style = random();
  switch (country) {
    case 'CO': {
      const n = `3${pick(random, ['00', '01', '02', '04', '05', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '23', '50'])}${digits(random, 7)}`;
      return style < 0.5
        ? `+57 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`
        : style < 0.8
          ? `${n.slice(0, 3)} ${n.slice(3)}`
          : `+57${n}`;
    }
    case 'MX': {
      const area = pick(random, ['55', '33', '81', '222', '442', '664', '998', '477']);
      const n = area + digits(random, 10 - area.length);
      return style < 0.5
        ? `+52 ${n.slice(0, area.length)} ${n.slice(area.length)}`
        : style < 0.8
          ? `(${area}) ${n.slice(area.length)}`
          : `+52${n}`;
    }
    case 'AR': {
      const n = `11${String(2 + Math.floor(random() * 7))}${digits(random, 7)}`;
      return style < 0.6
        ? `+54 9 ${n.slice(0, 2)} ${n.slice(2, 6)}-${n.slice(6)}`
        : style < 0.8
          ? `011 15 ${n.slice(2, 6)}-${n.slice(6)}`
          : `+549${n}`;
    }
    case 'CL': {
      const n = `9${pick(random, ['2', '4', '5', '8'])}${digits(random, 7)}`;
      return style < 0.6
        ? `+56 ${n.slice(0, 1)} ${n.slice(1, 5)} ${n.slice(5)}`
        : style < 0.8
          ? `${n.slice(0, 1)} ${n.slice(1, 5)} ${n.slice(5)}`
          : `+56${n}`;
    }
    case 'PE': {
      const n = `9${digits(random, 8)}`;
      return style < 0.6
        ? `+51 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`
        : style < 0.8
          ? `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`
          : `+51${n}`;
    }
    case 'BR': {
      const ddd = pick(random, ['11', '21', '31', '41', '51', '61', '71', '81', '85', '92']);
      const n = `${ddd}9${String(6 + Math.floor(random() * 4))}${digits(random, 7)}`;
      return style < 0.6
        ? `+55 ${ddd} ${n.slice(2, 7)}-${n.slice(7)}`
        : style < 0.8
          ? `(${ddd}) ${n.slice(2, 7)}-${n.slice(7)}`
          : `+55${n}`;
    }
  }
}

function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.');
}

/** A per-row random in [0, 1) that does not disturb the main stream (for revisions). */
function rowRandom(seed: number, index: number, revision: number): number {
  return seededRandom(
    (seed ^ Math.imul(index, 0x9e3779b1) ^ Math.imul(revision, 0x85ebca6b)) >>> 0,
  )();
}

interface DemoRowSpec {
  readonly debtor: number;
  readonly name: string;
  readonly document: string;
  readonly phone: string;
  readonly email: string;
  readonly country: Country;
  readonly timezone: string;
  readonly balance: number;
  readonly product: string;
  readonly daysPastDue: number;
  readonly segment: string;
  readonly tags: string;
  readonly telegram: string;
}

const wellKnown: readonly DemoRowSpec[] = [
  {
    debtor: 1,
    name: 'María Fernanda López Rojas',
    document: '1020451234',
    phone: '+57 300 555 0101',
    email: 'maria.lopez@example.com',
    country: 'CO',
    timezone: '',
    balance: 125_000_000,
    product: 'tarjeta de crédito',
    daysPastDue: 45,
    segment: 'retail',
    tags: 'primer-impago',
    telegram: '',
  },
  {
    debtor: 2,
    name: 'José Luis Hernández García',
    document: '0483125675678',
    phone: '+52 55 1234 5678',
    email: '',
    country: 'MX',
    timezone: '',
    balance: 1_845_000,
    product: 'préstamo personal',
    daysPastDue: 12,
    segment: 'retail',
    tags: '',
    telegram: '',
  },
  {
    debtor: 3,
    name: 'Ana Paula Souza Lima',
    document: '529.982.247-25',
    phone: '+55 11 91234-5678',
    email: 'ana.souza@example.com.br',
    country: 'BR',
    timezone: '',
    balance: 328_090,
    product: 'cartão de crédito',
    daysPastDue: 95,
    segment: 'premium',
    tags: 'reincidente',
    telegram: '',
  },
  {
    debtor: 4,
    name: 'Camila Andrea Rojas Muñoz',
    document: '15.678.236-K',
    phone: '+56 9 8765 4321',
    email: '',
    country: 'CL',
    timezone: '',
    balance: 845_000,
    product: 'crédito de consumo',
    daysPastDue: -5,
    segment: 'joven',
    tags: '',
    telegram: '',
  },
  {
    debtor: 5,
    name: 'Lucía Belén Fernández',
    document: '30.123.456',
    phone: '+54 9 11 2345-6789',
    email: 'lucia.fernandez@example.com.ar',
    country: 'AR',
    timezone: '',
    balance: 42_000_000,
    product: 'servicio móvil',
    daysPastDue: 200,
    segment: 'retail',
    tags: 'alto-riesgo|promesa-incumplida',
    telegram: '',
  },
  {
    debtor: 6,
    name: 'Carlos Alberto Quispe Mamani',
    document: '45781234',
    phone: '+51 912 345 678',
    email: '',
    country: 'PE',
    timezone: '',
    balance: 125_050,
    product: 'préstamo personal',
    daysPastDue: 70,
    segment: 'pyme',
    tags: '',
    telegram: '700000006',
  },
  {
    debtor: 1,
    name: 'María Fernanda López Rojas',
    document: '1020451234',
    phone: '+57 300 555 0101',
    email: 'maria.lopez@example.com',
    country: 'CO',
    timezone: '',
    balance: 8_990_000,
    product: 'servicio móvil',
    daysPastDue: 20,
    segment: 'retail',
    tags: 'primer-impago',
    telegram: '',
  },
];

/**
 * Generates the rows (fields in {@link demoPortfolioColumns} order) lazily, so a million rows
 * stream in constant memory. Amounts are written with a decimal point and no grouping, dates
 * as YYYY-MM-DD, phones in international and national formats.
 */
export function* generateDemoPortfolio(options: DemoPortfolioOptions): Generator<string[]> {
  const prefix = options.refPrefix ?? 'DEMO';
  const revision = options.revision ?? 0;
  const width = Math.max(4, String(options.accounts).length);
  const accountRef = (i: number): string => `${prefix}-${String(i).padStart(width, '0')}`;
  const debtorRef = (i: number): string => `${prefix}-D${String(i).padStart(width, '0')}`;
  const random = seededRandom(options.seed);
  let index = 0;

  const emit = (spec: DemoRowSpec): string[] => {
    index += 1;
    const profile = profiles[spec.country];
    let balance = spec.balance;
    if (revision > 0 && rowRandom(options.seed, index, revision) < 0.5) {
      balance = Math.floor(balance * rowRandom(options.seed + 1, index, revision));
    }
    const original = Math.round(spec.balance * (1 + ((index * 7919) % 80) / 100));
    const minPayment = Math.max(1, Math.round(spec.balance * 0.08));
    return [
      accountRef(index),
      debtorRef(spec.debtor),
      spec.name,
      spec.document,
      spec.phone,
      spec.email,
      spec.country,
      spec.timezone,
      profile.currency,
      decimal(balance, profile.exponent),
      decimal(original, profile.exponent),
      decimal(minPayment, profile.exponent),
      addDays(options.asOf, -spec.daysPastDue),
      spec.product,
      spec.segment,
      spec.tags,
      spec.telegram,
    ];
  };

  for (const spec of wellKnown) {
    if (index >= options.accounts) return;
    yield emit(spec);
  }
  let debtor = Math.max(...wellKnown.map((spec) => spec.debtor));
  while (index < options.accounts) {
    debtor += 1;
    let roll = random() * totalWeight;
    let country: Country = 'CO';
    for (const c of countries) {
      roll -= profiles[c].weight;
      if (roll < 0) {
        country = c;
        break;
      }
    }
    const profile = profiles[country];
    const isBrazil = country === 'BR';
    const first = pick(random, isBrazil ? portugueseFirst : spanishFirst);
    const last = `${pick(random, isBrazil ? portugueseLast : spanishLast)} ${pick(random, isBrazil ? portugueseLast : spanishLast)}`;
    const name =
      random() < 0.3
        ? `${first} ${pick(random, isBrazil ? portugueseFirst : spanishFirst)} ${last}`
        : `${first} ${last}`;
    const document = documentFor(random, country);
    const phone = phoneFor(random, country);
    const email =
      random() < 0.4
        ? `${asciiSlug(first)}.${asciiSlug(last.split(' ')[0] ?? '')}${debtor % 1000}@${pick(random, profile.domains)}`
        : '';
    const timezone = profile.zones.length > 0 && random() < 0.08 ? pick(random, profile.zones) : '';
    const segment = pick(random, segments);
    const tagCount = Math.floor(random() * 3);
    const tags = [...new Set(Array.from({ length: tagCount }, () => pick(random, tagPool)))].join(
      '|',
    );
    const telegram =
      random() < 0.05 ? String(100_000_000 + Math.floor(random() * 6_000_000_000)) : '';
    const accounts = random() < 0.15 ? 2 : 1;
    for (let a = 0; a < accounts && index < options.accounts; a += 1) {
      const [low, high] = profile.balance;
      const major = Math.exp(Math.log(low) + random() * (Math.log(high) - Math.log(low)));
      const balance = Math.round(major * 10 ** profile.exponent);
      let bucketRoll = random() * 100;
      let daysPastDue = 0;
      for (const bucket of agingSpread) {
        bucketRoll -= bucket.weight;
        if (bucketRoll < 0 || bucket === agingSpread[agingSpread.length - 1]) {
          daysPastDue = bucket.min + Math.floor(random() * (bucket.max - bucket.min + 1));
          break;
        }
      }
      const product = pick(random, isBrazil ? portugueseProducts : spanishProducts);
      yield emit({
        debtor,
        name,
        document,
        phone,
        email,
        country,
        timezone,
        balance,
        product,
        daysPastDue,
        segment,
        tags,
        telegram,
      });
    }
  }
}
