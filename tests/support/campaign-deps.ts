import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { loadWhatsAppTemplates } from '../../src/adapters/channels/whatsapp-cloud/templates.js';
import { loadFlowBundle } from '../../src/adapters/flows/load-flows.js';
import { DateHolidaysCalendar } from '../../src/adapters/policies/date-holidays-calendar.js';
import { loadContactPolicies } from '../../src/adapters/policies/load-contact-policies.js';
import { PostgresCampaignStore } from '../../src/adapters/postgres/campaign-store.js';
import { PostgresOutreachStore } from '../../src/adapters/postgres/outreach-store.js';
import type { CampaignDeps } from '../../src/app/campaigns.js';
import { decideContact } from '../../src/domain/contact-policy/index.js';
import type { Provider } from '../../src/domain/messaging/message.js';
import type { Channel } from '../../src/domain/model.js';
import type { Clock } from '../../src/ports/clock.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What a campaign run needs in tests, wired as main wires outreach: the shipped contact policy
 * files and holiday calendar, the shipped templates and flows, the real stores, the test's clock.
 */
export async function testCampaignDeps(
  pool: pg.Pool,
  clock: Clock,
  providers: Partial<Record<Channel, Provider>> = {
    whatsapp: 'whatsapp-cloud',
    sms: 'twilio-sms',
    telegram: 'telegram',
  },
  batchSize?: number,
): Promise<CampaignDeps> {
  const [policies, templates, bundle] = await Promise.all([
    loadContactPolicies(root),
    loadWhatsAppTemplates(root),
    loadFlowBundle(root),
  ]);
  const holidays = new DateHolidaysCalendar();
  return {
    store: new PostgresOutreachStore(pool),
    campaigns: new PostgresCampaignStore(pool),
    decide: (request, facts) => decideContact(policies, request, facts, holidays),
    templates,
    providers,
    flows: bundle.flows,
    clock,
    ...(batchSize === undefined ? {} : { batchSize }),
  };
}
