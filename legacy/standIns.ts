import { DEPARTMENTS, type Config, type Department } from '../lib/config';
import type { StandIn } from './common/StandIn';
import { createCourtStandIn } from './court/server';
import { createCustomsStandIn } from './customs/server';
import { createFinanceStandIn } from './finance/server';
import { createMarketStandIn } from './market/server';
import { createTaxStandIn } from './tax/server';
import type { World } from './world/types';

/** The five stand-ins over one world, with the credentials and latency of the configuration. */
export function createStandIns(world: World, config: Config): Record<Department, StandIn> {
  const latencyMs = config.legacyLatencyMs;
  const c = config.credentials;
  return {
    market: createMarketStandIn({ world, latencyMs, credentials: { apiKey: c.marketApiKey } }),
    tax: createTaxStandIn({ world, latencyMs, credentials: { user: c.taxUser, password: c.taxPassword } }),
    court: createCourtStandIn({ world, latencyMs }),
    customs: createCustomsStandIn({ world, latencyMs, credentials: { user: c.customsUser, password: c.customsPassword } }),
    finance: createFinanceStandIn({ world, latencyMs, credentials: { appId: c.financeAppId, appSecret: c.financeAppSecret } }),
  };
}

/** Listens on LEGACY_PORT_BASE+1…5 (SPEC §4), or on ephemeral ports when `ephemeral`. */
export async function listenStandIns(standIns: Record<Department, StandIn>, options: { portBase: number; ephemeral?: boolean }): Promise<Record<Department, string>> {
  const urls = {} as Record<Department, string>;
  await Promise.all(
    DEPARTMENTS.map(async (d, i) => {
      urls[d] = await standIns[d].listen(options.ephemeral ? 0 : options.portBase + i + 1);
    }),
  );
  return urls;
}
