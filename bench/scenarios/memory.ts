import type { BenchContext, ScenarioResult } from '../lib/context';
import { auditEntriesBetween } from '../lib/auditRows';
import { resetLegacy, setLegacyLatency } from '../lib/legacyAdmin';
import { runLoad } from '../lib/load';
import { sampleRss, type RssSample } from '../lib/rss';
import { slope } from '../lib/stats';

/**
 * SPEC §9.5 memory: the gateway's RSS (its own process, /proc/<pid>/status VmRSS) every second
 * under 60 s of load — full profiles of subjects rotating over the world, so anything kept per
 * subject or per request shows. Targets: max < 300 MB, and not growing: the mean of the last 10 s
 * at most 10% above the mean of the first 10 s. Stand-ins at 0 ms, as in the overhead rounds.
 *
 * Also the audit ledger's committed entries per second over the same window (ledger table,
 * counted by the gateway's chain and time).
 */

const CONNECTIONS = 16;
const ROTATION = 5000;
const MAX_RSS_MB = 300;
const MAX_GROWTH = 0.1;

/** the subjects the memory load rotates over (its answers are cached afterwards: later cold scenarios avoid them) */
export function memoryRotation(pool: BenchContext['pool']): string[] {
  return Array.from({ length: Math.min(ROTATION, pool.size) }, (_, i) => pool.subject(i).uscc);
}

export async function memory(ctx: BenchContext): Promise<ScenarioResult> {
  const seconds = ctx.quick ? 15 : 60;
  const usccs = memoryRotation(ctx.pool);
  let next = 0;
  const nextBody = () => JSON.stringify({ query: ctx.profileQuery, variables: { uscc: usccs[next++ % usccs.length] } });

  await setLegacyLatency(ctx.stack.legacyUrls, 0);
  let samples: RssSample[];
  let load;
  try {
    const sampler = sampleRss(ctx.stack.gatewayPid);
    load = await runLoad({ url: ctx.stack.gatewayUrl, token: ctx.token, nextBody, connections: CONNECTIONS, durationSeconds: seconds });
    samples = sampler.stop();
  } finally {
    await resetLegacy(ctx.stack.legacyUrls);
  }
  const audit = await auditEntriesBetween(ctx.stack.databaseUrl, ctx.stack.gatewayPid, new Date(load.startedAt), new Date(load.finishedAt));

  const mean = (xs: RssSample[]) => Math.round((xs.reduce((a, s) => a + s.mb, 0) / Math.max(1, xs.length)) * 10) / 10;
  const window = Math.min(10, seconds / 3);
  const end = samples[samples.length - 1]?.t ?? 0;
  const first = mean(samples.filter((s) => s.t <= window));
  const last = mean(samples.filter((s) => s.t >= end - window));
  const max = Math.max(...samples.map((s) => s.mb));
  const growth = Math.round((last - first) * 10) / 10;
  const slopeMbPerMin = Math.round(slope(samples.map((s) => ({ x: s.t, y: s.mb }))) * 60 * 10) / 10;
  const secondHalf = samples.filter((s) => s.t >= end / 2);
  const slopeSecondHalf = Math.round(slope(secondHalf.map((s) => ({ x: s.t, y: s.mb }))) * 60 * 10) / 10;
  const failed = load.withErrors + load.non2xx + load.connectionErrors;
  ctx.log(`   ${load.okPerSecond} req/s, ${failed} failed; RSS max ${max} MB, first ${window} s ${first} MB → last ${window} s ${last} MB (slope ${slopeMbPerMin} MB/min); audit ${audit.entriesPerSecond} entries/s`);

  return {
    name: 'memory',
    figures: [
      {
        id: 'memory.maxRss',
        label: `Memory: gateway RSS max under ${seconds} s of load`,
        measured: max,
        unit: 'MB',
        ratio: Math.round((max / MAX_RSS_MB) * 1000) / 1000,
        target: `max / ${MAX_RSS_MB} MB < 1.0`,
        met: max < MAX_RSS_MB,
        note: `${load.okPerSecond} complete answers/s over ${CONNECTIONS} connections, ${failed} failed responses`,
      },
      {
        id: 'memory.growth',
        label: `Memory: RSS growth, mean of last ${window} s − first ${window} s`,
        measured: growth,
        unit: 'MB',
        ratio: first > 0 ? Math.round((last / first) * 1000) / 1000 : undefined,
        target: `not growing: last / first ≤ ${1 + MAX_GROWTH}`,
        met: growth <= first * MAX_GROWTH,
        note: `${first} → ${last} MB; least-squares slope ${slopeMbPerMin} MB/min over the run, ${slopeSecondHalf} MB/min over its second half`,
      },
      {
        id: 'audit.entriesPerSecond.load',
        label: `Audit: entries committed per second during the ${seconds} s load`,
        measured: Math.round(audit.entriesPerSecond),
        unit: 'entries/s',
        target: '— (no numeric target)',
        met: null,
        note: `${audit.entries} entries for ${load.ok + load.withErrors} answered requests (${(audit.entries / Math.max(1, load.ok + load.withErrors)).toFixed(1)} per request)`,
      },
    ],
    latencies: [{ label: `memory: ours, ${seconds} s load, rotating subjects`, n: load.responses, p50: load.latencyMs.p50, p90: load.latencyMs.p90, p99: load.latencyMs.p99 }],
    raw: { connections: CONNECTIONS, rotation: usccs.length, legacyLatencyMsDuringLoad: 0, load, rss: { samples, first, last, max, growth, slopeMbPerMin, slopeSecondHalf }, audit },
  };
}
