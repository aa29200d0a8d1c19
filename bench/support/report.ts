/**
 * Writes a benchmark's results into docs/benchmarks.md as its own section, replacing the
 * previous run's, with the machine and the date: performance claims live there, never in tests.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';

const file = new URL('../../docs/benchmarks.md', import.meta.url);
const header =
  '# Benchmarks\n\nMeasured with `npm run bench` on the machine each section names. Numbers are from one run; rerun to compare.\n';

function postgresVersion(): string {
  try {
    return execFileSync(
      'psql',
      ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-Atc', 'SHOW server_version'],
      { encoding: 'utf8' },
    ).trim();
  } catch {
    return 'unknown';
  }
}

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const ram = Math.round(os.totalmem() / 1024 ** 3);
  return `${os.cpus().length} cores (${cpu}), ${ram} GiB RAM, Node ${process.version}, PostgreSQL ${postgresVersion()}, ${new Date().toISOString().slice(0, 10)}`;
}

export async function recordBenchmark(
  id: string,
  section: {
    title: string;
    description: string;
    rows: Record<string, number | string>[];
    notes?: string;
  },
): Promise<void> {
  let text = header;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    // first run: start the file
  }
  const columns = [...new Set(section.rows.flatMap((r) => Object.keys(r)))];
  const table = [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...section.rows.map((r) => `| ${columns.map((c) => String(r[c] ?? '')).join(' | ')} |`),
  ].join('\n');
  const body = `<!-- bench:${id}:start -->\n## ${section.title}\n\nMachine: ${machineLine()}.\n\n${section.description}\n\n${table}\n${section.notes ? `\n${section.notes}\n` : ''}<!-- bench:${id}:end -->`;
  const pattern = new RegExp(`<!-- bench:${id}:start -->[\\s\\S]*?<!-- bench:${id}:end -->`);
  text = pattern.test(text) ? text.replace(pattern, body) : `${text.trimEnd()}\n\n${body}\n`;
  await writeFile(file, text);
}
