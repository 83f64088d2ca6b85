import { performance } from 'node:perf_hooks';
import { DEPARTMENTS, DEPARTMENT_TABLE, type Department } from '../../lib/departments';
import type { StandInStats } from '../../legacy/common/StandIn';
import { COURT_LIST_TYPES, COURT_MAX_IN_FLIGHT } from '../../subgraphs/court/legacyClient';
import type { BenchContext, Figure, ScenarioResult } from '../lib/context';
import { getJson, postGraphQL, postJson, summarizeErrors, type GraphQLError } from '../lib/http';
import { legacyStats, resetLegacy, type LegacyStats } from '../lib/legacyAdmin';
import { runLoad, type LoadResult } from '../lib/load';
import { SECTIONS } from '../lib/profileQuery';
import { percentile, percentiles, ratio } from '../lib/stats';
import { isRich } from '../lib/subjects';
import { memoryRotation } from './memory';

/**
 * SPEC §6 under load: one department's system hung (its stand-in accepts the connection and never
 * answers: POST /__admin/faults {"down": true}) for the whole run, while 50 concurrent clients
 * (autocannon) ask for the full profile of rotating subjects, each by variables, none of them
 * asked before (the memory load's rotation excluded too), so the hung system really is asked —
 * a cached or stale copy would hide it.
 *
 * Before it, a baseline round at the same load with every department up (fresh subjects too), for
 * reading the latency figures: on a small machine 50 clients of cold full profiles saturate the
 * CPU whatever the court does.
 *
 * Expected: no HTTP 5xx; every response within the department's timeout (config, read from the
 * stack's env) plus 100 ms; the hung section null with DEPARTMENT_UNAVAILABLE and
 * extensions.department, the other sections intact; and the circuit breaker open — the stand-in
 * stops receiving calls after the first burst, apart from one trial call per reset period.
 *
 * autocannon hands each body to a callback, but parsing 50 clients' bodies would compete for the
 * CPU with the gateway: the load checks each body with two substring tests only, and a separate
 * sampler sends one request every 500 ms (fetch, sequential, subjects registered with market, tax,
 * customs and finance) whose bodies are parsed and checked section by section. The stand-in's
 * /__admin/stats is read every second for the breaker's timeline. Afterwards the stand-ins are
 * reset (faults cleared, LEGACY_LATENCY_MS restored, stats zeroed) and the time until the section
 * is served again is measured.
 */

const HUNG: Department = 'court';
const CONNECTIONS = 50;
const ROTATION = 2500;
const BASELINE_ROTATION = 800;
/**
 * The hang starts right after the baseline, while the breaker's rolling window (10 s) still holds
 * its thousands of successful court calls, as when a system hangs under traffic: the error rate
 * alone would keep the circuit closed until they left it; calls failing in a row open it.
 */
const SAMPLE_EVERY_MS = 500;
/** most probes for the time until the section is served again (one per 250 ms, and the calls' time) */
const RECOVERY_PROBES = 120;
const STATS_EVERY_MS = 1000;
/** SPEC target on top of the department's timeout */
const LATENCY_SLACK_MS = 100;

/** calls the hung system gets per subject without a breaker, and most it has in flight at once */
const CALLS_PER_SUBJECT = COURT_LIST_TYPES.length;
const MAX_IN_FLIGHT = COURT_MAX_IN_FLIGHT;

interface Sample {
  /** seconds since the load started */
  t: number;
  ms: number;
  status: number;
  /** the hung section(s) null with DEPARTMENT_UNAVAILABLE naming the department */
  unavailable: boolean;
  /** the hung section served from a last known copy (source.stale) with DEPARTMENT_UNAVAILABLE */
  stale: boolean;
  /** every other section present and no error but the hung department's */
  othersIntact: boolean;
  nullOthers: string[];
  otherErrors: string[];
  failure?: string;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (n: number, of: number) => (of === 0 ? 0 : round1((100 * n) / of));

function classify(body: { data?: any; errors?: GraphQLError[] }, status: number, hungSections: readonly string[]): Omit<Sample, 't' | 'ms'> {
  const subject = body.data?.subject;
  const errors = body.errors ?? [];
  const isHungError = (e: GraphQLError) =>
    e.extensions?.code === 'DEPARTMENT_UNAVAILABLE' &&
    String(e.extensions?.department ?? '').toLowerCase() === HUNG &&
    (e.path ?? []).some((p) => hungSections.includes(String(p)));
  const hungErrors = errors.filter(isHungError);
  const otherErrors = errors.filter((e) => !isHungError(e)).map((e) => `${String(e.extensions?.code ?? 'NO_CODE')} at ${(e.path ?? []).join('.')}`);
  const hungValues = hungSections.map((s) => subject?.[s]);
  const unavailable = status === 200 && hungErrors.length > 0 && hungValues.every((v) => v === null);
  const stale = status === 200 && hungErrors.length > 0 && hungValues.every((v) => v?.source?.stale === true);
  const nullOthers = SECTIONS.filter((s) => !hungSections.includes(s) && !subject?.[s]);
  return { status, unavailable, stale, othersIntact: status === 200 && !!subject && nullOthers.length === 0 && otherErrors.length === 0, nullOthers, otherErrors };
}

export async function hungDepartment(ctx: BenchContext): Promise<ScenarioResult> {
  const seconds = ctx.quick ? 15 : 60;
  const baselineSeconds = ctx.quick ? 5 : 20;
  const policy = ctx.stack.config.departments[HUNG];
  const bound = policy.timeoutMs + LATENCY_SLACK_MS;
  const hungSections: readonly string[] = DEPARTMENT_TABLE[HUNG].sections;
  const hungUrl = ctx.stack.legacyUrls[HUNG];

  // Never asked before, and not among the subjects the memory load caches (it may have run first).
  const cachedByMemory = new Set(memoryRotation(ctx.pool));
  const fresh = (s: { uscc: string }) => !cachedByMemory.has(s.uscc);
  const samplerSubjects = ctx.pool.take(Math.ceil((seconds * 1000) / SAMPLE_EVERY_MS) + 20, (s) => fresh(s) && isRich(s));
  const baselineRotation = ctx.pool.take(BASELINE_ROTATION, fresh).map((s) => s.uscc);
  const rotation = ctx.pool.take(ROTATION, fresh).map((s) => s.uscc);
  // taken now, before other figures can use up the pool; any subject will do: the court is asked
  // for every subject, and judicial is an object (its lists empty) whenever it answers
  const recoverySubjects = ctx.pool.take(RECOVERY_PROBES, fresh);
  if (rotation.length < 100 || baselineRotation.length < 100 || samplerSubjects.length < 10 || recoverySubjects.length < 20) {
    throw new Error(
      `too few subjects never asked before (${rotation.length} for the load, ${baselineRotation.length} for the baseline, ${samplerSubjects.length} for the sampler, ${recoverySubjects.length} for recovery)`,
    );
  }

  // Baseline (and warm-up): the same load with every department up, on other fresh subjects.
  await resetLegacy(ctx.stack.legacyUrls);
  let b = 0;
  const baseline = await runLoad({
    url: ctx.stack.gatewayUrl,
    token: ctx.token,
    nextBody: () => JSON.stringify({ query: ctx.profileQuery, variables: { uscc: baselineRotation[b++ % baselineRotation.length] } }),
    connections: CONNECTIONS,
    durationSeconds: baselineSeconds,
  });
  ctx.log(
    `   baseline, every department up, ${baselineSeconds} s: ${baseline.responses} responses (${round1(baseline.responses / baseline.durationSeconds)}/s), ` +
      `${baseline.withErrors + baseline.non2xx + baseline.connectionErrors} failed; p50 ${baseline.latencyMs.p50} ms, p99 ${baseline.latencyMs.p99} ms`,
  );

  ctx.log(`   ${HUNG} hung for ${seconds} s, ${CONNECTIONS} connections over ${rotation.length} subjects never asked before; ${HUNG} timeout ${policy.timeoutMs} ms, breaker reset ${policy.breakerResetMs} ms`);

  let load: LoadResult;
  const samples: Sample[] = [];
  const statsTimeline: { t: number; requests: number }[] = [];
  const latenciesMs: number[] = [];
  /** completion time (s since the load started) of each response, beside latenciesMs */
  const completedAt: number[] = [];
  const perSecond = new Map<number, { responses: number; overBound: number; maxMs: number }>();
  const bodyCheck = { checked: 0, hungNullUnavailable: 0 };
  let before: LegacyStats;
  let after: LegacyStats;
  let loadT0 = 0;
  const sampleErrors = new Map<string, number>();
  let next = 0;
  const nextBody = () => JSON.stringify({ query: ctx.profileQuery, variables: { uscc: rotation[next++ % rotation.length] } });
  // compact JSON, as the gateway sends it; the sampler's parsed check is the authoritative one
  const nullMarkers = hungSections.map((s) => `"${s}":null`);

  await resetLegacy(ctx.stack.legacyUrls); // zero the stats, configured latency
  await postJson(`${hungUrl}/__admin/faults`, { down: true });
  try {
    before = await legacyStats(ctx.stack.legacyUrls);
    let running = true;
    loadT0 = performance.now();
    const since = () => (performance.now() - loadT0) / 1000;

    const sampler = (async () => {
      for (let i = 0; running && i < samplerSubjects.length; i++) {
        const started = performance.now();
        const t = round1(since());
        try {
          const r = await postGraphQL(ctx.stack.gatewayUrl, ctx.profileQuery, { variables: { uscc: samplerSubjects[i]!.uscc }, token: ctx.token, timeoutMs: 30_000 });
          samples.push({ t, ms: round1(r.ms), ...classify(r.body, r.status, hungSections) });
          summarizeErrors(r.body.errors, sampleErrors);
        } catch (e) {
          samples.push({ t, ms: round1(performance.now() - started), status: 0, unavailable: false, stale: false, othersIntact: false, nullOthers: [], otherErrors: [], failure: (e as Error).message.slice(0, 200) });
        }
        const wait = started + SAMPLE_EVERY_MS - performance.now();
        if (running && wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    })();
    const poller = (async () => {
      while (running) {
        try {
          const s = (await getJson(`${hungUrl}/__admin/stats`)) as StandInStats;
          statsTimeline.push({ t: round1(since()), requests: s.requests });
        } catch {
          // a missed reading; the next one follows
        }
        await new Promise((r) => setTimeout(r, STATS_EVERY_MS));
      }
    })();

    try {
      load = await runLoad({
        url: ctx.stack.gatewayUrl,
        token: ctx.token,
        nextBody,
        connections: CONNECTIONS,
        durationSeconds: seconds,
        onBody: (status, body) => {
          bodyCheck.checked++;
          if (status === 200 && body.includes('"DEPARTMENT_UNAVAILABLE"') && nullMarkers.every((m) => body.includes(m))) bodyCheck.hungNullUnavailable++;
        },
        onLatency: (_status, ms) => {
          const now = since();
          latenciesMs.push(ms);
          completedAt.push(now);
          const second = Math.floor(now);
          const b = perSecond.get(second) ?? { responses: 0, overBound: 0, maxMs: 0 };
          b.responses++;
          if (ms >= bound) b.overBound++;
          b.maxMs = Math.max(b.maxMs, Math.round(ms));
          perSecond.set(second, b);
        },
      });
    } finally {
      running = false;
      await Promise.all([sampler, poller]);
    }
    after = await legacyStats(ctx.stack.legacyUrls);
  } finally {
    // faults cleared, LEGACY_LATENCY_MS restored, stats zeroed: as every other scenario expects
    await resetLegacy(ctx.stack.legacyUrls);
  }

  // Recovery: how long until the section is served again (the breaker's next trial call closes it).
  const recoveryStarted = performance.now();
  const recoveryLimitMs = policy.breakerResetMs + 2 * policy.timeoutMs + 10_000;
  let recoveredAfterMs: number | null = null;
  let recoveryProbes = 0;
  while (performance.now() - recoveryStarted < recoveryLimitMs) {
    const s = recoverySubjects[recoveryProbes];
    if (!s) break;
    recoveryProbes++;
    const r = await postGraphQL(ctx.stack.gatewayUrl, ctx.profileQuery, { variables: { uscc: s.uscc }, token: ctx.token, timeoutMs: 30_000 });
    if (r.status === 200 && !r.body.errors?.length && hungSections.every((h) => r.body.data?.subject?.[h])) {
      recoveredAfterMs = Math.round(performance.now() - recoveryStarted);
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  ctx.log(`   after reset: ${hungSections.join(', ')} served again ${recoveredAfterMs === null ? `not within ${recoveryLimitMs} ms` : `after ${recoveredAfterMs} ms`} (${recoveryProbes} probes)`);

  // ---- figures
  const made = load.responses + samples.length;
  const calls = after[HUNG].requests - before[HUNG].requests;
  const callsPerRequest = made ? round1((calls / made) * 100) / 100 : 0;
  const trials = Math.ceil((load.durationSeconds * 1000) / policy.breakerResetMs);
  const callBound = 2 * MAX_IN_FLIGHT + trials;
  const firstWindow = (policy.timeoutMs * 2) / 1000 + 1;
  const callsAfterFirstWindow = (() => {
    const at = statsTimeline.find((s) => s.t >= firstWindow);
    const last = statsTimeline[statsTimeline.length - 1];
    return at && last ? last.requests - at.requests : null;
  })();
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  // after the first burst (the 8 hung slots, then the calls that took the freed slots): breaker open
  const later = percentiles(latenciesMs.filter((_, i) => completedAt[i]! >= firstWindow));
  const early = latenciesMs.filter((_, i) => completedAt[i]! < firstWindow);
  const overBound = sorted.filter((ms) => ms >= bound).length;
  const p99 = load.latencyMs.p99;
  const p50 = load.latencyMs.p50;
  const fiveXx = load.statusClasses['5xx'];
  const sampled = samples.length;
  const unavailable = samples.filter((s) => s.unavailable).length;
  const stale = samples.filter((s) => s.stale).length;
  const intact = samples.filter((s) => s.othersIntact).length;
  const ps = percentiles(samples.map((s) => s.ms));
  const slowSeconds = [...perSecond.entries()].filter(([, b]) => b.overBound > 0).map(([sec, b]) => `${sec} s: ${b.overBound} (max ${b.maxMs} ms)`);
  const nullOthers: Record<string, number> = {};
  for (const s of samples) for (const n of s.nullOthers) nullOthers[n] = (nullOthers[n] ?? 0) + 1;
  const otherErrors = new Map<string, number>();
  for (const s of samples) for (const e of s.otherErrors) otherErrors.set(e, (otherErrors.get(e) ?? 0) + 1);
  const failures = samples.filter((s) => s.failure).map((s) => s.failure!);
  const other = DEPARTMENTS.filter((d) => d !== HUNG);

  ctx.log(
    `   ${load.responses} responses (${round1(load.responses / load.durationSeconds)}/s), 5xx ${fiveXx}, non-2xx ${load.non2xx}, connection errors ${load.connectionErrors}; ` +
      `p50 ${p50} ms, p99 ${p99} ms, max ${load.latencyMs.max} ms (${overBound} ≥ ${bound} ms); after the first ${firstWindow} s p99 ${later.p99} ms`,
  );
  ctx.log(`   sampler: ${sampled} requests, ${unavailable} with ${hungSections.join('/')} null + DEPARTMENT_UNAVAILABLE, ${stale} stale, ${intact} with the other sections intact; load bodies ${bodyCheck.hungNullUnavailable}/${bodyCheck.checked}`);
  ctx.log(`   ${HUNG} stand-in received ${calls} calls for ${made} gateway requests (${callsPerRequest} per request; ${CALLS_PER_SUBJECT} without a breaker); ${callsAfterFirstWindow ?? '?'} after the first ${firstWindow} s`);

  const label = (what: string) => `Hung ${HUNG} (${seconds} s, ${CONNECTIONS} connections, cold subjects): ${what}`;
  const figures: Figure[] = [
    {
      id: 'hungDepartment.requests',
      label: label('requests answered'),
      measured: load.responses,
      unit: 'requests',
      target: '— (reading aid)',
      met: null,
      note:
        `${round1(load.responses / load.durationSeconds)} responses/s by autocannon over ${load.durationSeconds} s, plus ${sampled} by the sampler; ${load.withErrors} of the 2xx carried GraphQL errors (expected: all of them), ` +
        `${load.ok} carried none; ${load.connectionErrors} connection errors, ${load.timeouts} client timeouts (30 s); rotation over ${rotation.length} subjects (${Math.max(0, load.responses - rotation.length)} requests repeated a subject, whose ${HUNG} answer was never cached either)`,
    },
    {
      id: 'hungDepartment.http5xx',
      label: label('HTTP 5xx responses'),
      measured: fiveXx,
      unit: 'responses',
      target: '= 0',
      met: fiveXx === 0 && samples.every((s) => s.status < 500),
      note: `status classes of the load: ${JSON.stringify(load.statusClasses)}; sampler statuses: ${JSON.stringify(countBy(samples.map((s) => String(s.status))))}`,
    },
    {
      id: 'hungDepartment.non2xx',
      label: label('non-2xx responses'),
      measured: load.non2xx,
      unit: 'responses',
      target: '— (0 expected: SPEC §6 answers with HTTP 200 and a null section)',
      met: null,
    },
    {
      id: 'hungDepartment.p50',
      label: label('p50'),
      measured: p50,
      unit: 'ms',
      target: '— (reading aid)',
      met: null,
      note: `sampler (one request at a time beside the load): p50 ${ps.p50} ms, p99 ${ps.p99} ms, max ${ps.max} ms`,
    },
    {
      id: 'hungDepartment.p99',
      label: label('p99'),
      measured: p99,
      unit: 'ms',
      ratio: ratio(p99, bound),
      target: `p99 < ${HUNG} timeout ${policy.timeoutMs} ms + ${LATENCY_SLACK_MS} ms (config.departments.${HUNG}.timeoutMs)`,
      met: p99 < bound,
      whyNotMet:
        `${overBound} of ${sorted.length} responses (${pct(overBound, sorted.length)}%) took ≥ ${bound} ms, ${early.filter((ms) => ms >= bound).length} of them in the first ${firstWindow} s, before the breaker opened; ` +
        `after it opened the p99 was ${later.p99} ms. Requests in flight when the court hangs wait out its deadline, which counts their wait in the gateway and keeps ${ctx.stack.config.responseReserveMs} ms (RESPONSE_RESERVE_MS) for the way back; ` +
        `at ${CONNECTIONS} connections on two cores the way back of that burst took longer than the reserve. Tried: one deadline per section however its calls queue; ` +
        `calls failing in a row open the breaker even while its window still holds successes; the deadline less the reserve. Not tried: a larger reserve, which would cut every slow-but-answering court short.`,
      note:
        `max ${load.latencyMs.max} ms; ${overBound} of ${sorted.length} responses (${pct(overBound, sorted.length)}%) took ≥ ${bound} ms` +
        (slowSeconds.length ? `, by second of the run: ${slowSeconds.slice(0, 12).join('; ')}${slowSeconds.length > 12 ? '; …' : ''}` : '') +
        `. A one-subject fetch's deadline counts the time the request waited in the gateway and the platform hop, less the ${ctx.stack.config.responseReserveMs} ms reserve (RESPONSE_RESERVE_MS) for the answer's way back; ` +
        `responses over the bound are requests whose way back took longer than the reserve. ` +
        `Same load with every department up (baseline, ${baselineSeconds} s just before, other fresh subjects): p50 ${baseline.latencyMs.p50} ms, p99 ${baseline.latencyMs.p99} ms.`,
    },
    {
      id: 'hungDepartment.p99AfterBurst',
      label: label(`p99 of the responses completed after the first ${firstWindow} s (breaker open)`),
      measured: later.p99,
      unit: 'ms',
      ratio: ratio(later.p99, bound),
      target: `— (reading aid; the target above, ${bound} ms, over the whole run)`,
      met: null,
      note: `n=${later.n}, p50 ${later.p50} ms, max ${later.max} ms; the ${early.length} responses of the first ${firstWindow} s: max ${early.length ? Math.round(Math.max(...early)) : 'n/a'} ms, ${early.filter((ms) => ms >= bound).length} of them ≥ ${bound} ms`,
    },
    {
      id: 'hungDepartment.baselineP99',
      label: `Same load, every department up (baseline, ${baselineSeconds} s, ${CONNECTIONS} connections, cold subjects): p99`,
      measured: baseline.latencyMs.p99,
      unit: 'ms',
      target: '— (reading aid for the p99 above)',
      met: null,
      note: `p50 ${baseline.latencyMs.p50} ms; ${baseline.responses} responses (${round1(baseline.responses / baseline.durationSeconds)}/s), ${baseline.withErrors} with GraphQL errors, ${baseline.non2xx} non-2xx, ${baseline.connectionErrors} connection errors; rotation over ${baselineRotation.length} subjects`,
    },
    {
      id: 'hungDepartment.sectionUnavailable',
      label: label(`sampled responses with ${hungSections.join('/')} null + DEPARTMENT_UNAVAILABLE (department ${HUNG})`),
      measured: pct(unavailable, sampled),
      unit: '%',
      target: '= 100%',
      met: sampled > 0 && unavailable === sampled,
      note:
        `${unavailable} of ${sampled} sampled responses (sequential, one per ${SAMPLE_EVERY_MS} ms during the load); ${stale} served a stale copy instead; ${failures.length} sampler requests failed${failures.length ? ` (${failures[0]})` : ''}. ` +
        `Every load response, by substring: ${bodyCheck.hungNullUnavailable} of ${bodyCheck.checked} (${pct(bodyCheck.hungNullUnavailable, bodyCheck.checked)}%) had ${nullMarkers.join(' and ')} and "DEPARTMENT_UNAVAILABLE"`,
    },
    {
      id: 'hungDepartment.othersIntact',
      label: label('sampled responses with every other section intact'),
      measured: pct(intact, sampled),
      unit: '%',
      target: '= 100%',
      met: sampled > 0 && intact === sampled,
      note:
        `${intact} of ${sampled}; sampler subjects are registered with market, tax, customs and finance, so ${SECTIONS.filter((s) => !hungSections.includes(s)).join(', ')} must all be present with no error of their own` +
        (Object.keys(nullOthers).length ? `; null: ${JSON.stringify(nullOthers)}` : '') +
        (otherErrors.size ? `; other errors: ${JSON.stringify(Object.fromEntries(otherErrors))}` : ''),
    },
    {
      id: 'hungDepartment.breakerCalls',
      label: label(`calls the ${HUNG} stand-in received (circuit breaker)`),
      measured: calls,
      unit: 'calls',
      ratio: callsPerRequest,
      target: `breaker open, calls stop: ≤ ${callBound} (2 × ${MAX_IN_FLIGHT} slots + 1 trial per ${policy.breakerResetMs} ms reset); ratio = calls per gateway request, ${CALLS_PER_SUBJECT} without a breaker`,
      met: calls <= callBound,
      note:
        `${calls} calls for ${made} gateway requests (${load.responses} load + ${sampled} sampler); ${callsAfterFirstWindow ?? 'n/a'} calls after the first ${firstWindow} s. ` +
        `Stand-in requests over time (s: cumulative): ${compactTimeline(statsTimeline)}. Other departments' calls during the run: ${other.map((d) => `${d} ${after[d].requests - before[d].requests}`).join(', ')}`,
    },
    {
      id: 'hungDepartment.recovery',
      label: `Hung ${HUNG}: time until ${hungSections.join('/')} is served again after the stand-in is restored`,
      measured: recoveredAfterMs ?? NaN,
      unit: 'ms',
      target: `— (reading aid: the breaker's next trial, within ${policy.breakerResetMs} ms reset + ${policy.timeoutMs} ms timeout)`,
      met: null,
      note: `${recoveryProbes} sequential probes with subjects never asked before${recoveredAfterMs === null ? `; not served again within ${recoveryLimitMs} ms` : ''}`,
    },
  ];

  return {
    name: 'hungDepartment',
    figures,
    latencies: [
      { label: `hung ${HUNG}: ${CONNECTIONS} connections, cold subjects`, n: load.responses, p50, p90: load.latencyMs.p90, p99 },
      { label: `hung ${HUNG}: sampler beside the load`, n: ps.n, p50: ps.p50, p90: ps.p90, p99: ps.p99 },
      { label: `baseline, all up: ${CONNECTIONS} connections, cold subjects`, n: baseline.responses, p50: baseline.latencyMs.p50, p90: baseline.latencyMs.p90, p99: baseline.latencyMs.p99 },
    ],
    raw: {
      department: HUNG,
      sections: hungSections,
      policy,
      latencyBoundMs: bound,
      connections: CONNECTIONS,
      rotation: rotation.length,
      legacyLatencyMs: ctx.legacyLatencyMs,
      load,
      baseline: { seconds: baselineSeconds, rotation: baselineRotation.length, load: baseline },
      latencyFromEvents: { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), overBound, afterFirstWindow: later, firstWindowResponses: early.length },
      perSecond: Object.fromEntries([...perSecond.entries()].sort((a, b) => a[0] - b[0])),
      bodyCheck,
      sampler: { everyMs: SAMPLE_EVERY_MS, percentiles: ps, unavailable, stale, intact, errors: Object.fromEntries(sampleErrors), samples },
      breaker: { calls, made, callsPerRequest, callBound, callsWithoutBreaker: CALLS_PER_SUBJECT * made, callsAfterFirstWindow, firstWindowSeconds: firstWindow, timeline: statsTimeline, before, after },
      recovery: { recoveredAfterMs, probes: recoveryProbes, limitMs: recoveryLimitMs },
    },
  };
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** "0: 0, 3: 8, 4: 12 … 15: 13": the readings where the count changed, and the last one */
function compactTimeline(timeline: { t: number; requests: number }[]): string {
  const out: string[] = [];
  let last = -1;
  timeline.forEach((s, i) => {
    if (s.requests !== last || i === timeline.length - 1) out.push(`${Math.round(s.t)}: ${s.requests}`);
    last = s.requests;
  });
  return out.join(', ');
}
