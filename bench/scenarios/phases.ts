import { randomBytes, randomUUID } from 'node:crypto';
import type { Subject } from '../../legacy/world';
import type { BenchContext, Figure, ScenarioResult } from '../lib/context';
import { startOtlpReceiver, type OtlpReceiver } from '../lib/otlpReceiver';
import { breakDown, PHASES, type FetchTimes, type Phases, type RequestPhases } from '../lib/phaseBreakdown';
import { phaseChart, type PhaseBar } from '../lib/phaseChart';
import { findFreePorts } from '../lib/ports';
import { sequentialProfiles, warmUp } from '../lib/sequential';
import { startBenchStack, type BenchStackOptions } from '../lib/stack';
import { percentiles } from '../lib/stats';
import { SubjectPool, hasAllFive, isRich, isSingleHop } from '../lib/subjects';

/**
 * Issue 13, where the time goes: a stack of its own with tracing on (every process exports its
 * spans as OTLP JSON to a receiver the bench runs), started after the main stack has stopped, since
 * tracing costs time and no other scenario's figure may pay it. Cold full profiles one after
 * another, each request with its own W3C `traceparent` (a random trace id), so its spans are
 * found by that id; the stack is stopped before reading them (each process flushes its spans on
 * the way out). Each request's time is cut into phases along its critical path
 * (bench/lib/phaseBreakdown.ts), adding up to the time the bench measured; the report gives each
 * phase's median per request kind and phases.svg stacks them. Reading aids, no targets.
 *
 * Its subjects are cold for this stack (fresh processes and Redis key prefix), whatever the main
 * stack asked: the world holds only a few dozen subjects known to all five departments, and
 * fan-out takes them all.
 */

export interface PhasesOptions {
  /** the run's settings and consumer; the main stack is stopped by now */
  base: Omit<BenchContext, 'stack' | 'pool'>;
  worldSize: number;
  worldSeed: number;
  /** hands the traced stack's stopper to the bench's Ctrl-C handler */
  onStopper: NonNullable<BenchStackOptions['onStopper']>;
}

interface Kind {
  id: 'singleHop' | 'allFive';
  label: string;
  accept(s: Subject): boolean;
}

const KINDS: Kind[] = [
  { id: 'singleHop', label: 'single-hop full profile', accept: isSingleHop },
  { id: 'allFive', label: 'all-five full profile', accept: hasAllFive },
];
const SAMPLES = 20;
/** requests before the measured ones: fresh processes, with tracing's own code still cold */
const WARM_UP = 20;
const QUICK_SAMPLES = 8;
/** how often each traced process exports (the SDK's default is 5 s) */
const EXPORT_DELAY_MS = 200;

/** one kind's requests as sent: the trace id each was sent under, the time the bench measured */
interface TracedRun {
  kind: Kind;
  traced: TracedRequest[];
  failed: number;
}

interface KindRun {
  kind: Kind;
  requests: RequestPhases[];
  /** requests whose trace missed a span (an export lost) */
  incomplete: string[];
  failed: number;
}

export async function phases(options: PhasesOptions): Promise<ScenarioResult> {
  const { base } = options;
  const ports = await findFreePorts();
  const receiver = await startOtlpReceiver(ports.traceReceiver);
  const runs: TracedRun[] = [];
  try {
    const stack = await startBenchStack({
      ports,
      worldSize: options.worldSize,
      legacyLatencyMs: base.legacyLatencyMs,
      runId: randomUUID().slice(0, 8),
      log: base.log,
      onStopper: options.onStopper,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: String(EXPORT_DELAY_MS) },
    });
    try {
      const ctx: BenchContext = { ...base, stack, pool: new SubjectPool(options.worldSize, options.worldSeed) };
      await warmUp(ctx, ctx.pool.take(WARM_UP, (s) => isRich(s) && !hasAllFive(s) && !isSingleHop(s)));
      for (const kind of KINDS) runs.push(await tracedProfiles(ctx, kind));
    } finally {
      base.log('   stopping the traced stack (each process flushes its spans)');
      await stack.stop();
    }
  } finally {
    await receiver.close();
  }
  return report(runs.map((r) => analyze(r, receiver)), base.legacyLatencyMs);
}

interface TracedRequest {
  traceId: string;
  ms: number;
}

/** Cold profiles of one kind, one after another, each under a trace id of its own. */
async function tracedProfiles(ctx: BenchContext, kind: Kind): Promise<TracedRun> {
  const subjects = ctx.pool.take(ctx.quick ? QUICK_SAMPLES : SAMPLES, kind.accept);
  const traceIds = new Map(subjects.map((s) => [s.uscc, randomBytes(16).toString('hex')]));
  // the parent span id is the bench's request, a span no process records
  const run = await sequentialProfiles(ctx, subjects, { headers: (s) => ({ traceparent: `00-${traceIds.get(s.uscc)}-${randomBytes(8).toString('hex')}-01` }) });
  const p = percentiles(run.samplesMs);
  ctx.log(`   ${kind.label}: p50 ${p.p50} ms end to end (n=${p.n}, ${run.failed} with errors)`);
  return { kind, traced: run.usccs.map((uscc, i) => ({ traceId: traceIds.get(uscc)!, ms: run.samplesMs[i] })), failed: run.failed };
}

function analyze(run: TracedRun, receiver: OtlpReceiver): KindRun {
  const requests: RequestPhases[] = [];
  const incomplete: string[] = [];
  for (const t of run.traced) {
    try {
      requests.push(breakDown(receiver.spansOf(t.traceId), t.ms));
    } catch (e) {
      incomplete.push(`${t.traceId}: ${(e as Error).message}`);
    }
  }
  return { kind: run.kind, requests, incomplete, failed: run.failed };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const median = (values: number[]) => (values.length ? percentiles(values).p50 : NaN);

/** each phase's median (the report's figures) or mean (the chart's bars, which add up) */
function phaseStatistic(requests: RequestPhases[], statistic: 'p50' | 'mean'): Phases {
  return Object.fromEntries(PHASES.map((p) => [p.id, requests.length ? percentiles(requests.map((r) => r.phases[p.id]))[statistic] : NaN])) as Phases;
}

/** "customs 12, court 6": how often each subgraph's fetch was on the critical path */
function criticalCounts(requests: RequestPhases[]): string {
  const counts = new Map<string, number>();
  for (const f of requests.flatMap((r) => r.fetches.filter((x) => x.critical))) counts.set(f.subgraph, (counts.get(f.subgraph) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(', ');
}

/** each subgraph's fetch, on the critical path or not: the median of each of its times */
function fetchMedians(requests: RequestPhases[]): Record<string, Omit<FetchTimes, 'subgraph' | 'critical'>> {
  const bySubgraph = new Map<string, FetchTimes[]>();
  for (const f of requests.flatMap((r) => r.fetches)) bySubgraph.set(f.subgraph, [...(bySubgraph.get(f.subgraph) ?? []), f]);
  return Object.fromEntries(
    [...bySubgraph].map(([subgraph, list]) => [
      subgraph,
      {
        fetchMs: median(list.map((f) => f.fetchMs)),
        subgraphMs: median(list.map((f) => f.subgraphMs)),
        legacyChainMs: median(list.map((f) => f.legacyChainMs)),
        beforeLegacyMs: median(list.map((f) => f.beforeLegacyMs)),
        standInMs: median(list.map((f) => f.standInMs)),
        legacyCalls: median(list.map((f) => f.legacyCalls)),
      },
    ]),
  );
}

function report(runs: KindRun[], legacyLatencyMs: number): ScenarioResult {
  const figures: Figure[] = [];
  const bars: PhaseBar[] = [];
  const raw: Record<string, unknown> = { legacyLatencyMs, exportDelayMs: EXPORT_DELAY_MS };
  for (const run of runs) {
    const medians = phaseStatistic(run.requests, 'p50');
    const means = phaseStatistic(run.requests, 'mean');
    const endToEnd = percentiles(run.requests.map((r) => r.endToEndMs));
    const fetches = fetchMedians(run.requests);
    const sumOfMedians = round1(PHASES.reduce((a, p) => a + medians[p.id], 0));
    const fetchNote = Object.entries(fetches)
      .map(([s, f]) => `${s} ${f.fetchMs} (subgraph ${f.subgraphMs}, before its calls ${f.beforeLegacyMs}, legacy chain ${f.legacyChainMs}, stand-in ${f.standInMs}, ${f.legacyCalls} calls)`)
      .join('; ');
    figures.push({
      id: `phases.${run.kind.id}.endToEnd`,
      label: `Phases, ${run.kind.label}, cold, traced stack — p50 end to end`,
      measured: endToEnd.p50,
      unit: 'ms',
      target: '— (reading aid: tracing on)',
      met: null,
      note:
        `n=${endToEnd.n} traced requests (${run.failed} with errors${run.incomplete.length ? `, ${run.incomplete.length} traces incomplete and left out: ${run.incomplete.join('; ')}` : ''}); ` +
        `each request's phases add up to its own time; their medians below to ${sumOfMedians} ms, their means to the mean end to end, ${endToEnd.mean} ms (phases.svg stacks the means). ` +
        `Critical fetch: ${criticalCounts(run.requests)}. Every fetch, median ms: ${fetchNote}.`,
    });
    for (const p of PHASES) {
      figures.push({ id: `phases.${run.kind.id}.${p.id}`, label: `Phases, ${run.kind.label}: ${p.label} — median`, measured: medians[p.id], unit: 'ms', target: '— (reading aid)', met: null });
    }
    bars.push({ label: run.kind.label, n: run.requests.length, means, endToEndMean: endToEnd.mean, endToEndP50: endToEnd.p50 });
    raw[run.kind.id] = { medians, means, endToEnd, fetches, incomplete: run.incomplete, failed: run.failed, requests: run.requests };
  }
  return {
    name: 'phases',
    figures,
    latencies: [],
    charts: [{ file: 'phases.svg', title: 'Latency by phase (critical path, means)', svg: phaseChart(bars, `Latency by phase, cold full profiles, stand-ins at ${legacyLatencyMs} ms (traced stack)`) }],
    raw,
  };
}
