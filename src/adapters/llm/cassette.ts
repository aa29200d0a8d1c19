/**
 * Recorded model answers ("cassettes"): a recording model passes calls to a real one and keeps
 * each answer (or failure) under a hash of the call; a replaying model answers from the file
 * alone, so `cuota eval nlu --llm` runs offline in CI exactly as it ran when recorded.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  ModelCallError,
  type LanguageModel,
  type ModelAnswer,
  type PromptCall,
} from '../../ports/language-model.js';

const EntrySchema = z.union([
  z
    .object({
      text: z.string(),
      promptId: z.string(),
      promptVersion: z.number().int(),
      model: z.string(),
      inputTokens: z.number().int().nonnegative(),
      outputTokens: z.number().int().nonnegative(),
      latencyMs: z.number().nonnegative(),
    })
    .strict(),
  z
    .object({
      error: z.enum(['timeout', 'rate_limited', 'server_error', 'bad_request', 'network']),
      message: z.string(),
    })
    .strict(),
]);

const CassetteSchema = z
  .object({
    /** Where the answers came from, in words: which model, or that they are not from a real one. */
    source: z.string().min(1),
    recordedAt: z.string(),
    entries: z.record(z.string(), EntrySchema),
  })
  .strict();

export type Cassette = z.infer<typeof CassetteSchema>;

/** The key a call is recorded under: the prompt, the locale and every variable. */
export function callKey(call: PromptCall): string {
  const variables = Object.keys(call.variables)
    .sort()
    .map((k) => [k, call.variables[k]]);
  return createHash('sha256')
    .update(JSON.stringify([call.promptId, call.locale.toLowerCase(), call.isJson, variables]))
    .digest('hex')
    .slice(0, 32);
}

export async function readCassette(file: string): Promise<Cassette> {
  return CassetteSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}

export async function writeCassette(file: string, cassette: Cassette): Promise<void> {
  const entries = Object.fromEntries(
    Object.entries(cassette.entries).sort(([a], [b]) => a.localeCompare(b)),
  );
  await writeFile(file, `${JSON.stringify({ ...cassette, entries }, null, 2)}\n`);
}

/** Passes calls to `inner` and keeps every answer and failure in `cassette.entries`. */
export class RecordingLanguageModel implements LanguageModel {
  constructor(
    private readonly inner: LanguageModel,
    readonly cassette: Cassette,
  ) {}

  async complete(call: PromptCall): Promise<ModelAnswer> {
    const key = callKey(call);
    try {
      const answer = await this.inner.complete(call);
      this.cassette.entries[key] = { ...answer };
      return answer;
    } catch (err) {
      if (err instanceof ModelCallError) {
        this.cassette.entries[key] = { error: err.kind, message: err.message };
      }
      throw err;
    }
  }
}

/** Answers from a cassette only; a call that was never recorded fails as a network error. */
export class ReplayLanguageModel implements LanguageModel {
  constructor(private readonly cassette: Cassette) {}

  complete(call: PromptCall): Promise<ModelAnswer> {
    const entry = this.cassette.entries[callKey(call)];
    if (entry === undefined) {
      return Promise.reject(new ModelCallError('network', 'this call is not in the cassette'));
    }
    if ('error' in entry) return Promise.reject(new ModelCallError(entry.error, entry.message));
    return Promise.resolve(entry);
  }
}
