/**
 * Loads the versioned prompt templates under `prompts/<id>/<locale>.yaml` into LangChain
 * ChatPromptTemplates, validated at boot: a file whose template names variables other than
 * the ones it declares stops start-up with the file and the problem.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { parseYamlFile } from '../flows/yaml-file.js';

const PromptFileSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    version: z.number().int().positive(),
    locale: z.string().min(2),
    variables: z.array(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/)).min(1),
    messages: z
      .array(z.object({ role: z.enum(['system', 'user']), template: z.string().min(1) }).strict())
      .min(1),
  })
  .strict();

/** One loaded prompt: its id, version and locale, and the template to render. */
export interface LoadedPrompt {
  readonly id: string;
  readonly version: number;
  readonly locale: string;
  readonly template: ChatPromptTemplate;
}

/** Every prompt, by id then locale ("es", "en", "pt", or a full tag such as "es-AR"). */
export class PromptLibrary {
  constructor(private readonly prompts: ReadonlyMap<string, ReadonlyMap<string, LoadedPrompt>>) {}

  /** The prompt for `locale`: the exact tag, then its language, then English, then any. */
  get(id: string, locale: string): LoadedPrompt {
    const byLocale = this.prompts.get(id);
    if (byLocale === undefined) throw new AppError('internal', `no prompt "${id}" is loaded`);
    const tag = locale.toLowerCase();
    const found =
      byLocale.get(tag) ??
      byLocale.get(tag.split('-')[0] ?? tag) ??
      byLocale.get('en') ??
      [...byLocale.values()][0];
    if (found === undefined) throw new AppError('internal', `prompt "${id}" has no locale`);
    return found;
  }

  ids(): string[] {
    return [...this.prompts.keys()];
  }
}

/** Reads `<root>/prompts/*\/*.yaml`. Throws AppError('flow_invalid') naming the file on any problem. */
export async function loadPrompts(root: string): Promise<PromptLibrary> {
  const dir = path.join(root, 'prompts');
  const prompts = new Map<string, Map<string, LoadedPrompt>>();
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries
    .filter((e) => e.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const files = (await readdir(path.join(dir, entry.name)))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    for (const name of files) {
      const file = path.join(dir, entry.name, name);
      const spec = parseYamlFile(await readFile(file, 'utf8'), file, PromptFileSchema, 'prompt');
      if (
        spec.id !== entry.name ||
        spec.locale.toLowerCase() !== name.replace(/\.ya?ml$/, '').toLowerCase()
      ) {
        throw new AppError(
          'flow_invalid',
          `${file}: id and locale must match the folder and file name`,
        );
      }
      const template = ChatPromptTemplate.fromMessages(
        spec.messages.map(
          (m) => [m.role === 'user' ? 'human' : 'system', m.template] as [string, string],
        ),
      );
      const used = [...template.inputVariables].sort();
      const declared = [...spec.variables].sort();
      if (used.join(',') !== declared.join(',')) {
        throw new AppError(
          'flow_invalid',
          `${file}: the templates use {${used.join(', ')}} but the file declares [${declared.join(', ')}]`,
        );
      }
      const byLocale = prompts.get(spec.id) ?? new Map<string, LoadedPrompt>();
      byLocale.set(spec.locale.toLowerCase(), {
        id: spec.id,
        version: spec.version,
        locale: spec.locale,
        template,
      });
      prompts.set(spec.id, byLocale);
    }
  }
  return new PromptLibrary(prompts);
}
