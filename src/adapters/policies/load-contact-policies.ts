/**
 * Loads `policies/contact/`: `default.yaml` (required), one `<cc>.yaml` per country and
 * `overrides.yaml` (optional). Every problem in every file is reported at once as
 * `policies/contact/co.yaml:12:5: caps[0].window: a duration like "30m", "24h" or "7d"`.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';
import {
  CountryPolicyFileSchema,
  DefaultPolicyFileSchema,
  OverridesFileSchema,
  type ContactPolicies,
  type PartialContactPolicy,
} from '../../domain/contact-policy/index.js';
import {
  formatProblem,
  parseWithSchema,
  problemAt,
  readSource,
  type FlowProblem,
} from '../flows/load-flows.js';

/** Where the contact policy files live, relative to the content root. */
export const contactPolicyDir = path.join('policies', 'contact');

const defaultFile = 'default.yaml';
const overridesFile = 'overrides.yaml';
const countryFile = /^([a-z]{2})\.ya?ml$/;

/** A policy file problem at a 1-based line and column (the same shape flows report). */
export type PolicyProblem = FlowProblem;

/**
 * Reads and validates the contact policy files under `rootDir/policies/contact` (or `dir`,
 * relative to rootDir). Throws AppError('flow_invalid') listing every problem; `details` is
 * the {@link PolicyProblem} list.
 */
export async function loadContactPolicies(
  rootDir: string,
  dir: string = contactPolicyDir,
): Promise<ContactPolicies> {
  const problems: PolicyProblem[] = [];
  let names: string[] = [];
  try {
    names = (await readdir(path.resolve(rootDir, dir))).sort();
  } catch {
    problems.push({
      file: dir.split(path.sep).join('/'),
      line: 1,
      column: 1,
      path: '',
      message: 'no contact policy directory',
    });
  }

  const defaultSource = await readSource(rootDir, path.join(dir, defaultFile), problems);
  const defaults = defaultSource
    ? parseWithSchema(defaultSource, DefaultPolicyFileSchema, problems)
    : undefined;

  const countries: Record<string, PartialContactPolicy> = {};
  for (const name of names) {
    if (name === defaultFile || name === overridesFile || !/\.ya?ml$/.test(name)) continue;
    const match = countryFile.exec(name);
    if (!match) {
      problems.push({
        file: path.join(dir, name).split(path.sep).join('/'),
        line: 1,
        column: 1,
        path: '',
        message: `unexpected file: country policies are named after an ISO 3166 code ("co.yaml"); the others are ${defaultFile} and ${overridesFile}`,
      });
      continue;
    }
    const source = await readSource(rootDir, path.join(dir, name), problems);
    if (!source) continue;
    const parsed = parseWithSchema(source, CountryPolicyFileSchema, problems);
    if (!parsed) continue;
    const expected = (match[1] ?? '').toUpperCase();
    if (parsed.country !== expected) {
      problems.push(
        problemAt(source, ['country'], `this file is for "${expected}", not "${parsed.country}"`),
      );
      continue;
    }
    const { country, ...policy } = parsed;
    countries[country] = policy;
  }

  let overrides: ContactPolicies['overrides'] = {};
  if (names.includes(overridesFile)) {
    const source = await readSource(rootDir, path.join(dir, overridesFile), problems);
    const parsed = source ? parseWithSchema(source, OverridesFileSchema, problems) : undefined;
    if (parsed) overrides = parsed;
  }

  if (problems.length > 0 || !defaults) {
    throw new AppError(
      'flow_invalid',
      `invalid contact policy (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map(formatProblem).join('\n'),
      { details: problems },
    );
  }
  return { default: defaults, countries, overrides };
}
