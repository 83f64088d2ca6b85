import { DEPARTMENTS, type Config, type Department } from '../lib/config';
import type { DepartmentCredentials } from '../lib/departments';
import type { StandIn } from './common/StandIn';
import { createCourtStandIn } from './court/server';
import { createCustomsStandIn } from './customs/server';
import { createFinanceStandIn } from './finance/server';
import { createMarketStandIn } from './market/server';
import { createTaxStandIn } from './tax/server';
import type { World } from './world/types';

/**
 * Every department's stand-in, one line each; the type check names a department of
 * lib/departments.ts that has none, and a stand-in whose credentials differ from its table entry.
 */
type StandInOptions<D extends Department> = { world: World; latencyMs: number; credentials: DepartmentCredentials[D] };
const STAND_INS: { [D in Department]: (options: StandInOptions<D>) => StandIn } = {
  market: createMarketStandIn,
  tax: createTaxStandIn,
  court: createCourtStandIn,
  customs: createCustomsStandIn,
  finance: createFinanceStandIn,
  // sixth-department anchor: test/sixthDepartment.test.ts inserts a toy line above this one
};

/** The stand-ins over one world, with the credentials and latency of the configuration. */
export function createStandIns(world: World, config: Config): Record<Department, StandIn> {
  const create = <D extends Department>(d: D): StandIn => STAND_INS[d]({ world, latencyMs: config.legacyLatencyMs, credentials: config.credentials[d] });
  return Object.fromEntries(DEPARTMENTS.map((d) => [d, create(d)])) as Record<Department, StandIn>;
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
