import { DEPARTMENTS, type Department } from '../../lib/config';
import type { StandInStats } from '../../legacy/common/StandIn';
import { getJson, postJson } from './http';

/** The stand-ins' admin API (legacy-systems.md): stats, reset, faults — all five at once. */

export type LegacyStats = Record<Department, StandInStats>;

export async function legacyStats(urls: Record<Department, string>): Promise<LegacyStats> {
  const entries = await Promise.all(DEPARTMENTS.map(async (d) => [d, (await getJson(`${urls[d]}/__admin/stats`)) as StandInStats] as const));
  return Object.fromEntries(entries) as LegacyStats;
}

/** zeroes the stats and restores the configured latency (LEGACY_LATENCY_MS) */
export async function resetLegacy(urls: Record<Department, string>): Promise<void> {
  await Promise.all(DEPARTMENTS.map((d) => postJson(`${urls[d]}/__admin/reset`)));
}

export async function setLegacyLatency(urls: Record<Department, string>, latencyMs: number): Promise<void> {
  await Promise.all(DEPARTMENTS.map((d) => postJson(`${urls[d]}/__admin/faults`, { latencyMs, jitterMs: 0 })));
}
