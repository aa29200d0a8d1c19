import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import {
  demoPortfolioColumns,
  generateDemoPortfolio,
  type DemoPortfolioOptions,
} from '../../app/demo-portfolio.js';
import { loadConfig } from '../../config.js';
import { localDateIn, parseLocalDate, type LocalDate } from '../../domain/dates.js';
import { csvLine } from '../csv/csv-line.js';

/**
 * Writes a generated portfolio as CSV to `out`, in chunks of about 256 KiB with backpressure,
 * so a million rows stream in constant memory. Resolves once everything is handed to `out`.
 */
export async function writeDemoPortfolioCsv(
  options: DemoPortfolioOptions,
  out: Writable,
): Promise<number> {
  let chunk = csvLine(demoPortfolioColumns);
  let rows = 0;
  for (const fields of generateDemoPortfolio(options)) {
    chunk += csvLine(fields);
    rows += 1;
    if (chunk.length >= 1 << 18) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  if (chunk !== '' && !out.write(chunk)) await once(out, 'drain');
  return rows;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

function calendarDay(value: string): LocalDate {
  const date = parseLocalDate(value);
  if (date === undefined) throw new InvalidArgumentError('expected a date YYYY-MM-DD');
  return date;
}

/** Registers `cuota demo-data`: writes a realistic LatAm portfolio CSV (deterministic by seed). */
export function registerDemoData(program: Command): void {
  program
    .command('demo-data')
    .description(
      'write a realistic, deterministic LatAm portfolio CSV (CO, MX, AR, CL, PE, BR) for demos and benchmarks',
    )
    .option('--accounts <n>', 'number of accounts (rows)', positiveInteger, 300)
    .option('--out <file>', 'output file (default: standard output)')
    .option('--seed <s>', 'random seed: the same seed gives the same file', integer, 1)
    .option(
      '--as-of <date>',
      'spread due dates relative to this day (default: today in CUOTA_DEFAULT_TIMEZONE)',
      calendarDay,
    )
    .option(
      '--prefix <prefix>',
      'account refs <prefix>-0001..., debtor refs <prefix>-D0001...',
      'DEMO',
    )
    .option(
      '--revision <r>',
      'a later revision with about half the balances lowered (for re-import tests)',
      integer,
      0,
    )
    .action(
      async (options: {
        accounts: number;
        out?: string;
        seed: number;
        asOf?: LocalDate;
        prefix: string;
        revision: number;
      }) => {
        const asOf =
          options.asOf ?? localDateIn(new Date(), loadConfig(process.env).defaults.timeZone);
        const generate: DemoPortfolioOptions = {
          accounts: options.accounts,
          seed: options.seed,
          asOf,
          refPrefix: options.prefix,
          revision: options.revision,
        };
        if (options.out === undefined) {
          await writeDemoPortfolioCsv(generate, process.stdout);
          return;
        }
        const out = createWriteStream(options.out);
        const started = performance.now();
        const rows = await writeDemoPortfolioCsv(generate, out);
        await new Promise<void>((resolve, reject) =>
          out.end((err?: Error | null) => (err ? reject(err) : resolve())),
        );
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(
          `wrote ${rows} accounts to ${options.out} in ${seconds.toFixed(1)} s (as of ${asOf}, seed ${options.seed})\n`,
        );
      },
    );
}
