import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../../domain/errors.js';

/**
 * Parses one YAML content file against a zod schema. Throws AppError('flow_invalid') whose
 * message lists every problem as `file:line:column: path: message`, so an operator can go
 * straight to the line; `details` holds the same lines.
 */
export function parseYamlFile<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  what: string,
): z.infer<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problems: string[] = doc.errors.map((error) => {
    const at = lines.linePos(error.pos[0]);
    return `${file}:${at.line}:${at.col}: ${error.message.split('\n')[0] ?? error.message}`;
  });
  if (problems.length === 0) {
    const parsed = schema.safeParse(doc.toJS());
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const at = lines.linePos(offsetOf(doc, issue.path));
      const where = issue.path.map(String).join('.');
      problems.push(
        `${file}:${at.line}:${at.col}: ${where === '' ? '' : `${where}: `}${issue.message}`,
      );
    }
  }
  throw new AppError(
    'flow_invalid',
    `invalid ${what} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.join('\n')}`,
    { details: problems },
  );
}

/** The start offset of the deepest existing node on `segments`. */
function offsetOf(doc: Document.Parsed, segments: readonly PropertyKey[]): number {
  for (let depth = segments.length; depth >= 0; depth -= 1) {
    const node: unknown = doc.getIn(segments.slice(0, depth), true);
    const start = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
    if (start !== undefined) return start;
  }
  return 0;
}
