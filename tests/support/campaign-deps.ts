import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { loadFlowBundle } from '../../src/adapters/flows/load-flows.js';
import { PostgresCampaignStore } from '../../src/adapters/postgres/campaign-store.js';
import type { CampaignDeps } from '../../src/app/campaigns.js';
import type { Provider } from '../../src/domain/messaging/message.js';
import type { Channel } from '../../src/domain/model.js';
import { buildOutreachDeps } from '../../src/main.js';
import type { Clock } from '../../src/ports/clock.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What a campaign run needs in tests, wired by main's own `buildOutreachDeps`: the shipped contact
 * policy files and holiday calendar, the shipped templates and flows, the real stores, the test's
 * clock.
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
  const outreach = await buildOutreachDeps(
    { contentDir: root },
    { pool },
    { bundle: await loadFlowBundle(root), clock },
    Object.values(providers),
  );
  return {
    ...outreach,
    campaigns: new PostgresCampaignStore(pool),
    ...(batchSize === undefined ? {} : { batchSize }),
  };
}
