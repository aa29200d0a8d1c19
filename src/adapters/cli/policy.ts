/**
 * `cuota policy check` validates `policies/contact/*.yaml`; `cuota policy explain` prints what
 * the contact policy decides for one message, so an operator can see a rule at work.
 */
import type { Command } from 'commander';
import { channels, type Channel } from '../../domain/model.js';
import { AppError } from '../../domain/errors.js';
import {
  contactPurposes,
  decideContact,
  parseContactPreference,
  policyFor,
  type ContactAttempt,
  type ContactPurpose,
  type DoNotContactReason,
  doNotContactReasons,
} from '../../domain/contact-policy/index.js';
import { isTimeZone } from '../../domain/dates.js';
import { formatProblem, type FlowProblem } from '../flows/load-flows.js';
import { DateHolidaysCalendar } from '../policies/date-holidays-calendar.js';
import { contactPolicyDir, loadContactPolicies } from '../policies/load-contact-policies.js';

interface ExplainOptions {
  root: string;
  country?: string;
  timezone: string;
  channel: string;
  purpose: string;
  at: string;
  template?: boolean;
  inbound?: string;
  inboundChannel?: string;
  optOut: string[];
  doNotContact: string[];
  preference?: string;
  locale: string;
  history: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function bad(message: string): never {
  throw new AppError('bad_request', message);
}

function parseInstant(text: string, what: string): Date {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) bad(`${what}: not an ISO 8601 instant: ${text}`);
  return at;
}

function parseChannel(text: string, what: string): Channel {
  if (!(channels as readonly string[]).includes(text))
    bad(`${what}: one of ${channels.join(', ')}, not "${text}"`);
  return text as Channel;
}

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('Check and explain the contact policy');

  policy
    .command('check')
    .description(`Validate ${contactPolicyDir}/*.yaml`)
    .option('--root <dir>', 'the directory holding policies/', process.cwd())
    .action(async (options: { root: string }) => {
      try {
        const policies = await loadContactPolicies(options.root);
        const calendar = new DateHolidaysCalendar();
        const countries = Object.keys(policies.countries).sort();
        const unknown = countries.filter((c) => !calendar.knowsCountry(c));
        process.stdout.write(
          `ok: default + ${countries.length} countries (${countries.join(', ')}); ${Object.keys(policies.overrides.countries ?? {}).length} country overrides\n`,
        );
        if (unknown.length > 0)
          process.stdout.write(`warning: no public holidays known for ${unknown.join(', ')}\n`);
      } catch (error) {
        if (error instanceof AppError && error.code === 'flow_invalid') {
          const problems = error.details as FlowProblem[];
          process.stderr.write(`${problems.map(formatProblem).join('\n')}\n`);
          process.exitCode = 1;
          return;
        }
        throw error;
      }
    });

  policy
    .command('explain')
    .description('Print what the contact policy decides for one message')
    .option('--root <dir>', 'the directory holding policies/', process.cwd())
    .option(
      '--country <cc>',
      'the debtor country (ISO 3166 alpha-2); default: the operator default',
    )
    .requiredOption('--timezone <zone>', 'the debtor IANA time zone, e.g. America/Bogota')
    .requiredOption('--channel <channel>', channels.join(' | '))
    .option('--purpose <purpose>', contactPurposes.join(' | '), 'campaign')
    .option('--at <instant>', 'when it would be sent (ISO 8601)', new Date().toISOString())
    .option('--template', 'the message is a WhatsApp template')
    .option('--inbound <instant>', "the debtor's last inbound message (ISO 8601)")
    .option('--inbound-channel <channel>', 'the channel of that message (default: --channel)')
    .option('--opt-out <channel>', 'an opt-out (a channel or "all"); repeatable', collect, [])
    .option(
      '--do-not-contact <reason>',
      `${doNotContactReasons.join(' | ')}; repeatable`,
      collect,
      [],
    )
    .option('--preference <text>', 'what the debtor asked, e.g. "escríbeme después de las 6"')
    .option('--locale <locale>', 'the language of --preference', 'es')
    .option(
      '--history <channel@instant>',
      'a message already sent, e.g. sms@2026-12-24T15:00:00Z; repeatable',
      collect,
      [],
    )
    .action(async (options: ExplainOptions) => {
      if (!isTimeZone(options.timezone)) bad(`--timezone: unknown IANA zone "${options.timezone}"`);
      const channel = parseChannel(options.channel, '--channel');
      if (!(contactPurposes as readonly string[]).includes(options.purpose))
        bad(`--purpose: one of ${contactPurposes.join(', ')}`);
      const purpose = options.purpose as ContactPurpose;
      for (const reason of options.doNotContact)
        if (!(doNotContactReasons as readonly string[]).includes(reason))
          bad(`--do-not-contact: one of ${doNotContactReasons.join(', ')}`);
      const optOuts = options.optOut.map((c) =>
        c === 'all' ? 'all' : parseChannel(c, '--opt-out'),
      );
      const history: ContactAttempt[] = options.history.map((entry) => {
        const [name = '', instant = ''] = entry.split('@');
        return {
          channel: parseChannel(name, '--history'),
          at: parseInstant(instant, '--history'),
          purpose: 'campaign',
        };
      });
      const preference =
        options.preference === undefined
          ? undefined
          : parseContactPreference(options.preference, options.locale);
      if (options.preference !== undefined && preference === undefined)
        process.stdout.write(
          `preference: "${options.preference}" states no hours or days I can read\n`,
        );

      const policies = await loadContactPolicies(options.root);
      const country = options.country?.toUpperCase();
      const resolved = policyFor(policies, country);
      const decision = decideContact(
        policies,
        {
          channel,
          purpose,
          isTemplate: options.template === true,
          at: parseInstant(options.at, '--at'),
        },
        {
          timeZone: options.timezone,
          country,
          optOuts,
          doNotContact: options.doNotContact.map((reason) => ({
            reason: reason as DoNotContactReason,
            channel: 'all',
          })),
          preference,
          history,
          lastInbound:
            options.inbound === undefined
              ? undefined
              : {
                  at: parseInstant(options.inbound, '--inbound'),
                  channel: parseChannel(options.inboundChannel ?? channel, '--inbound-channel'),
                },
        },
        new DateHolidaysCalendar(),
      );
      process.stdout.write(
        `policy: ${resolved.country ?? 'operator default'}${country !== undefined && resolved.country === undefined ? ` (no file for ${country})` : ''}\n`,
      );
      if (preference !== undefined)
        process.stdout.write(`preference: ${JSON.stringify(preference)}\n`);
      switch (decision.type) {
        case 'allow':
          process.stdout.write('decision: allow\n');
          break;
        case 'defer':
          process.stdout.write(
            `decision: defer until ${decision.until.toISOString()} (${new Intl.DateTimeFormat('en-GB', { timeZone: options.timezone, dateStyle: 'full', timeStyle: 'short' }).format(decision.until)} ${options.timezone})\nrule: ${decision.rule}\nreason: ${decision.reason}\n`,
          );
          break;
        case 'deny':
          process.stdout.write(
            `decision: deny\nrule: ${decision.rule}\nreason: ${decision.reason}\n`,
          );
          break;
      }
    });
}
