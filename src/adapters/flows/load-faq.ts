/**
 * Loads the operator's FAQ (`flows/faq.yaml`) for grounded answers, validated at boot: a
 * problem stops start-up with `flows/faq.yaml:12:7: entries.2.text: missing pt`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';
import { FaqSchema, type Faq } from '../../domain/llm/faq.js';
import { parseYamlFile } from './yaml-file.js';

export const faqFileName = 'faq.yaml';

/** Reads `<root>/flows/faq.yaml`. Throws AppError('flow_invalid') naming the file and line. */
export async function loadFaq(root: string, file = path.join('flows', faqFileName)): Promise<Faq> {
  let text: string;
  try {
    text = await readFile(path.resolve(root, file), 'utf8');
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(cause);
    throw new AppError('flow_invalid', `${file}:1:1: ${reason}`);
  }
  return parseYamlFile(text, file, FaqSchema, 'FAQ');
}
