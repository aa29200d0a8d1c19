/**
 * The contact policy: whether, and when, cuota may send a debtor a message. Pure; the policy
 * files are parsed at the edge (src/adapters/policies) and handed in.
 */
export {
  contactPurposes,
  decideContact,
  doNotContactReasons,
  type ContactAttempt,
  type ContactDecision,
  type ContactPreference,
  type ContactPurpose,
  type ContactRequest,
  type DebtorContactFacts,
  type DoNotContactReason,
  type HolidayCalendar,
} from './decide-contact.js';
export { instantAtWallTime, wallTimeAt, type WallTime } from './local-time.js';
export { parseContactPreference } from './parse-contact-preference.js';
export { describePreference, mentionsContact } from './describe-preference.js';
export { recordDecision, type ContactDecisionRecord } from './decision-record.js';
export {
  builtInRules,
  CapSchema,
  ContactPoliciesSchema,
  CountryPolicyFileSchema,
  DefaultPolicyFileSchema,
  DurationSchema,
  OverridesFileSchema,
  PartialPolicySchema,
  policyFor,
  weekdayKeys,
  type Cap,
  type ContactPolicies,
  type ContactPolicy,
  type PartialContactPolicy,
  type ResolvedContactPolicy,
} from './schema.js';
