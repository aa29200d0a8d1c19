import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import pino from 'pino';
import {
  defaultBatchSize,
  importPortfolio,
  type ImportOutcome,
} from '../../app/import-portfolio.js';
import { loadConfig } from '../../config.js';
import type { RowReject } from '../../domain/portfolio/row.js';
import type { ImportCounts } from '../../ports/portfolio-store.js';
import { openStore } from '../../main.js';
import { systemClock } from '../system-clock.js';
import { createLogger } from '../logger.js';
import { createPortfolioStore } from '../postgres/portfolio-store.js';
import { csvLine } from '../csv/csv-line.js';
import { readPortfolioCsv } from '../csv/read-portfolio-csv.js';

const number = new Intl.NumberFormat('en-US');

/** The rejects report: `row,column,value,reason`, opened on the first reject only. */
export class RejectsFile {
  private stream: WriteStream | undefined;
  count = 0;

  constructor(readonly file: string) {}

  async write(reject: RowReject): Promise<void> {
    if (this.stream === undefined) {
      this.stream = createWriteStream(this.file);
      this.stream.write(csvLine(['row', 'column', 'value', 'reason']));
    }
    this.count += 1;
    if (!this.stream.write(csvLine([reject.row, reject.column, reject.value, reject.reason])))
      await once(this.stream, 'drain');
  }

  /** Closes the report, or removes a stale one from an earlier run when there was nothing to report. */
  async close(): Promise<void> {
    const stream = this.stream;
    if (stream === undefined) {
      await rm(this.file, { force: true });
      return;
    }
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.end(() => resolve());
    });
  }
}

/**
 * Progress on stderr: a redrawn bar on a terminal, a plain line every ten seconds otherwise
 * (so CI logs show a long import is alive, and short ones print nothing).
 */
class Progress {
  private lastDraw = 0;
  private readonly started = performance.now();
  bytes = 0;

  constructor(
    private readonly totalBytes: number,
    private readonly isTty: boolean,
  ) {}

  update(counts: ImportCounts): void {
    const now = performance.now();
    if (now - this.lastDraw < (this.isTty ? 100 : 10_000)) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const share = this.totalBytes > 0 ? Math.min(1, this.bytes / this.totalBytes) : 0;
    const rate = seconds > 0 ? Math.round(counts.read / seconds) : 0;
    const text = `${(share * 100).toFixed(0).padStart(3)}%  ${number.format(counts.read)} rows  ${number.format(rate)} rows/s  rejected ${number.format(counts.rejected)}`;
    if (this.isTty) {
      const width = 30;
      const done = Math.round(share * width);
      process.stderr.write(`\r[${'#'.repeat(done)}${'-'.repeat(width - done)}] ${text}\u001b[K`);
    } else {
      process.stderr.write(`import: ${text}\n`);
    }
  }

  finish(): void {
    if (this.isTty && this.lastDraw > 0) process.stderr.write('\r\u001b[K');
  }
}

function describeOutcome(file: string, outcome: ImportOutcome, rejects: RejectsFile): string {
  if (!outcome.ok) return `cuota import: ${file}: ${outcome.message}; nothing imported\n`;
  const { counts, seconds, format } = outcome;
  const rate = seconds > 0 ? Math.round(counts.read / seconds) : counts.read;
  const delimiter = format.delimiter === '\t' ? 'tab' : `'${format.delimiter}'`;
  const lines = [
    `imported ${file} (${format.details.encoding ?? 'utf-8'}, ${delimiter} delimited, decimal ${format.decimalStyle})`,
    `  read ${number.format(counts.read)}  inserted ${number.format(counts.inserted)}  updated ${number.format(counts.updated)}  unchanged ${number.format(counts.unchanged)}  rejected ${number.format(counts.rejected)}`,
    `  ${seconds.toFixed(1)} s, ${number.format(rate)} rows/s`,
  ];
  if (format.ignoredColumns.length > 0)
    lines.push(`  ignored columns: ${format.ignoredColumns.join(', ')}`);
  if (counts.rejected > 0)
    lines.push(
      `  rejects: ${rejects.file} (${number.format(counts.rejected)} rows, ${number.format(rejects.count)} problems)`,
    );
  return `${lines.join('\n')}\n`;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/**
 * Runs `cuota import <file>` and returns the exit code: 0 when rows could be read (even if some
 * were rejected), 1 when nothing could be (no such file, no header, a missing required column,
 * no rows).
 */
export async function runImport(
  file: string,
  options: { batchSize: number; progress: boolean },
): Promise<number> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch (err) {
    process.stderr.write(
      `cuota import: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, pino.destination(2));
  const db = await openStore(config, logger);
  const rejects = new RejectsFile(`${file}.rejects.csv`);
  const progress = new Progress(size, options.progress && process.stderr.isTTY);
  try {
    async function* bytes(): AsyncGenerator<Buffer> {
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 18 })) {
        const buffer = chunk as Buffer;
        progress.bytes += buffer.length;
        yield buffer;
      }
    }
    const input = await readPortfolioCsv(bytes(), path.basename(file));
    const outcome = await importPortfolio(
      { store: createPortfolioStore(db), clock: systemClock, defaults: config.defaults },
      input,
      {
        batchSize: options.batchSize,
        onReject: (reject) => rejects.write(reject),
        onProgress: options.progress ? (counts) => progress.update(counts) : undefined,
      },
    );
    progress.finish();
    await rejects.close();
    const report = describeOutcome(file, outcome, rejects);
    if (outcome.ok) process.stdout.write(report);
    else process.stderr.write(report);
    return outcome.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

/** Registers `cuota import <file.csv>`. */
export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'import a portfolio CSV: upserts debtors, accounts and contact points by ref, audits balance changes, ' +
        'and writes rejected rows with reasons to <file>.rejects.csv',
    )
    .argument('<file>', 'CSV file (UTF-8 or Windows-1252; comma, semicolon or tab delimited)')
    .option('--batch-size <n>', 'rows per transaction', positiveInteger, defaultBatchSize)
    .option('--no-progress', 'no progress output on stderr')
    .action(async (file: string, options: { batchSize: number; progress: boolean }) => {
      process.exitCode = await runImport(file, options);
    });
}
