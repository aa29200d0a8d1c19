/**
 * Loads the conversation data cuota boots with: `flows/*.yaml` (one flow per file),
 * `flows/policy.yaml` (negotiation policy) and `locales/<locale>/messages.yaml` (ICU catalogs).
 * Everything is validated up front; every problem is reported at once as
 * `flows/default.yaml:12:5: steps.verify.on.affirm: unknown step "balanse"`.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import {
  FlowSchema,
  flowJsonSchema,
  flowOutcomes,
  globalIntents,
  type Flow,
} from '../../domain/flow/schema.js';
import { validateFlow } from '../../domain/flow/validate.js';
import type { MessageCatalog, MessageCatalogs } from '../../domain/messages/render.js';
import { PolicySchema, type NegotiationPolicy } from '../../domain/negotiation/policy.js';

export { flowJsonSchema };

/** Everything a conversation needs besides the debtor's facts. */
export interface FlowBundle {
  /** Flows by id. */
  readonly flows: Readonly<Record<string, Flow>>;
  readonly policy: NegotiationPolicy;
  /** Catalogs by catalog locale ("es-419", "en", "pt-BR"). */
  readonly catalogs: MessageCatalogs;
}

/** One problem in one file, at a 1-based line and column. */
export interface FlowProblem {
  /** Relative to the root directory, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path inside the file ("steps.verify.on.affirm"); empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

export interface LoadFlowOptions {
  /** Validate only these flow files (paths relative to rootDir or absolute) instead of flows/*.yaml. */
  readonly flowFiles?: readonly string[];
  /** The policy file (relative to rootDir or absolute); default flows/policy.yaml. */
  readonly policyFile?: string;
}

export const policyFileName = 'policy.yaml';

/** YAML files in flows/ that are not flows: the policy, the WhatsApp templates, the lifecycle, the FAQ. */
const nonFlowFiles = new Set([
  policyFileName,
  'whatsapp-templates.yaml',
  'lifecycle.yaml',
  'faq.yaml',
]);

/** `file:line:column: path: message`, the format editors and CI annotate. */
export function formatProblem(problem: FlowProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path === ''
    ? `${where}: ${problem.message}`
    : `${where}: ${problem.path}: ${problem.message}`;
}

/**
 * Reads, parses and cross-checks flows, policy and catalogs under `rootDir`. Throws one
 * AppError('flow_invalid') whose message lists every problem and whose `details` is the
 * {@link FlowProblem} list.
 */
export async function loadFlowBundle(
  rootDir: string,
  options: LoadFlowOptions = {},
): Promise<FlowBundle> {
  const problems: FlowProblem[] = [];

  const catalogs = await loadCatalogs(rootDir, problems);
  const policyFile = await readSource(
    rootDir,
    options.policyFile ?? path.join('flows', policyFileName),
    problems,
  );
  const policy = policyFile ? parseWithSchema(policyFile, PolicySchema, problems) : undefined;

  const flowFiles =
    options.flowFiles ??
    (await listYaml(path.join(rootDir, 'flows')))
      .filter((name) => !nonFlowFiles.has(name))
      .map((name) => path.join('flows', name));
  if (flowFiles.length === 0) {
    problems.push(fileProblem(rootDir, path.join(rootDir, 'flows'), 'no flow files found'));
  }

  const flows: Record<string, Flow> = {};
  for (const file of flowFiles) {
    const source = await readSource(rootDir, file, problems);
    if (!source) continue;
    const flow = parseWithSchema(source, FlowSchema, problems);
    if (!flow) continue;
    for (const issue of validateFlow(flow, catalogs)) {
      problems.push(problemAt(source, issue.path, issue.message));
    }
    if (flows[flow.id]) {
      problems.push(problemAt(source, ['id'], `duplicate flow id "${flow.id}"`));
    }
    flows[flow.id] = flow;
  }

  if (problems.length > 0 || !policy) {
    throw new AppError(
      'flow_invalid',
      `invalid flows (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map(formatProblem).join('\n'),
      { details: problems },
    );
  }
  return { flows, policy, catalogs };
}

export interface Source {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

function relative(rootDir: string, file: string): string {
  const abs = path.resolve(rootDir, file);
  return path.relative(rootDir, abs).split(path.sep).join('/');
}

function fileProblem(rootDir: string, file: string, message: string): FlowProblem {
  return { file: relative(rootDir, file), line: 1, column: 1, path: '', message };
}

async function listYaml(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch {
    return [];
  }
}

/** Reads and parses one YAML file; problems (missing file, YAML syntax) go to `problems`. */
export async function readSource(
  rootDir: string,
  file: string,
  problems: FlowProblem[],
): Promise<Source | undefined> {
  let text: string;
  try {
    text = await readFile(path.resolve(rootDir, file), 'utf8');
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(cause);
    problems.push(fileProblem(rootDir, file, reason));
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const source: Source = { file: relative(rootDir, file), doc, lines };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const at = lines.linePos(error.pos[0]);
      problems.push({
        file: source.file,
        line: at.line,
        column: at.col,
        path: '',
        message: error.message.split('\n')[0] ?? error.message,
      });
    }
    return undefined;
  }
  return source;
}

/** "steps.verify.on.affirm", "steps.greet.say[1]". */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/**
 * The position of the node at `segments`, or of its deepest existing ancestor (a missing key
 * points at the map that lacks it). With `keyName`, the position of that key inside the map.
 */
export function problemAt(
  source: Source,
  segments: readonly PropertyKey[],
  message: string,
  keyName?: string,
): FlowProblem {
  const rangeOf = (n: unknown): number | undefined =>
    (n as { range?: [number, number, number] } | null)?.range?.[0];
  let node: unknown = source.doc.contents;
  let offset = rangeOf(node) ?? 0;
  for (const segment of segments) {
    let child: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === segment);
      child = pair?.value ?? undefined;
      if (pair && child === null) child = pair.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      child = node.items[segment];
    }
    if (child === undefined || rangeOf(child) === undefined) break;
    node = child;
    offset = rangeOf(child) ?? offset;
  }
  if (keyName !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && item.key.value === keyName);
    offset = rangeOf(pair?.key) ?? offset;
  }
  const at = source.lines.linePos(offset);
  return {
    file: source.file,
    line: at.line,
    column: at.col,
    path: formatPath(keyName === undefined ? segments : [...segments, keyName]),
    message,
  };
}

/** Validates a parsed file against a zod schema; each issue goes to `problems` at its line. */
export function parseWithSchema<S extends z.ZodType>(
  source: Source,
  schema: S,
  problems: FlowProblem[],
): z.output<S> | undefined {
  const result = schema.safeParse(source.doc.toJS());
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const container = issue.path[issue.path.length - 1];
      for (const key of issue.keys) {
        problems.push(problemAt(source, issue.path, unknownKeyMessage(container, key), key));
      }
      continue;
    }
    problems.push(problemAt(source, issue.path, issue.message));
  }
  return undefined;
}

/** Record keys are closed sets in flows: name the set, not just "key". */
function unknownKeyMessage(container: PropertyKey | undefined, key: string): string {
  if (container === 'on' || container === 'routes') return `unknown intent "${key}"`;
  if (container === 'outcomes')
    return `unknown outcome "${key}" (one of ${flowOutcomes.join(', ')})`;
  if (container === 'globals') {
    return `"${key}" is not a global intent (one of ${globalIntents.join(', ')})`;
  }
  return `unknown key "${key}"`;
}

async function loadCatalogs(rootDir: string, problems: FlowProblem[]): Promise<MessageCatalogs> {
  const localesDir = path.join(rootDir, 'locales');
  let entries: string[] = [];
  try {
    entries = (await readdir(localesDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    problems.push(fileProblem(rootDir, localesDir, 'no locales directory'));
  }
  const catalogs: Record<string, MessageCatalog> = {};
  for (const locale of entries) {
    const source = await readSource(
      rootDir,
      path.join('locales', locale, 'messages.yaml'),
      problems,
    );
    if (!source) continue;
    const messages: Record<string, string> = {};
    const visit = (value: unknown, segments: string[]): void => {
      if (typeof value === 'string') {
        const key = segments.join('.');
        try {
          new IntlMessageFormat(value, locale, undefined, { ignoreTag: true });
          messages[key] = value;
        } catch (cause) {
          problems.push(
            problemAt(source, segments, `invalid ICU message: ${(cause as Error).message}`),
          );
        }
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [name, child] of Object.entries(value)) visit(child, [...segments, name]);
      } else {
        problems.push(
          problemAt(source, segments, 'a message must be a string or a map of messages'),
        );
      }
    };
    visit(source.doc.toJS(), []);
    catalogs[locale] = messages;
  }
  return catalogs;
}
