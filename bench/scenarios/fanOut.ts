import fs from 'node:fs';
import os from 'node:os';
import type { Subject } from '../../legacy/world';
import { DEPARTMENTS, type Department } from '../../lib/config';
import type { BenchContext, ScenarioResult } from '../lib/context';
import { sequentialChecks } from '../lib/creditChecks';
import { PEER_PROCESSES, describeCpu, measureCpu } from '../lib/cpu';
import { postGraphQL, postJson } from '../lib/http';
import { legacyStats, type LegacyStats } from '../lib/legacyAdmin';
import { SUPERGRAPH_FILE } from '../lib/profileQuery';
import { planShape, type PlanShape } from '../lib/queryPlan';
import { sequentialProfiles, warmUp, type SequentialRun } from '../lib/sequential';
import { percentiles, ratio, round1 } from '../lib/stats';
import { dependentChain, hasAllFive, hasEveryListDepartment, isRich, isSingleHop, listChain } from '../lib/subjects';

/**
 * SPEC §9.1 fan-out: the full profile of subjects with data in all five departments, every
 * stand-in at LEGACY_LATENCY_MS, each request a subject never asked for before (cold), one after
 * another. Target: p50 ≤ 1.25 × latency (all departments in parallel, one hop after the platform).
 *
 * Issue 13 measures the same p50 against what the legacy protocols force: ≤ 1.15 × the longest
 * chain of dependent round trips (customs' mapping, then its credit CSV: 2 × latency), and two
 * one-hop cases against 1.15 × latency — subjects every department answers in one round trip, and
 * customs-registered subjects whose 海关编码 mapping is cached (an identifier registry, kept a day)
 * while every section is cold.
 */

const WANTED = 40;
const SINGLE_HOP_SAMPLES = 20;
const WARM_MAPPING_SAMPLES = 20;
/** issue 13: a cold p50 within 15 % of the legacy round trips it must wait for one after another */
const CHAIN_BOUND = 1.15;
/** what was done for the one-hop figures (issue 13), and what was not kept */
const TRIED =
  'Tried: the platform hop taken off the critical path (the departments\' fetches go out beside it, gateway/earlyEntityFetches.ts); ' +
  'subgraph fetches on undici\'s request API over one keep-alive pool per subgraph; the internal token verified once per token, query plans cached; ' +
  'a section\'s lists started with its first look-up; tax asked by both identifiers in one call; customs\' mapping cached a day (fanOut.warmMapping.p50); ' +
  'stand-ins answering within their latency rather than after it; legacy answers written to the cache behind the answer; ' +
  'graphql-shield\'s async wrapper kept only on the subgraphs\' fields with a rule of their own (each of these three: no change beyond noise). ' +
  'Tried and dropped: Redis auto-pipelining (no change in CPU a request); objection look-ups (dispute) started with the reference, beside the legacy call ' +
  '(no change beyond noise; PostgreSQL connects timed out under three 500-subject batches). ' +
  'Kept on purpose: the audit commit before the response (SPEC §8).';
const PRIME_MAPPINGS = 'query PrimeCustomsMappings($usccs: [USCC!]!) { subjects(usccs: $usccs) { customs { creditClass } } }';

export async function fanOut(ctx: BenchContext): Promise<ScenarioResult> {
  const latency = ctx.legacyLatencyMs;
  const bound = 1.25 * latency;
  let plan: PlanShape | { error: string };
  try {
    plan = planShape(fs.readFileSync(SUPERGRAPH_FILE, 'utf8'), ctx.profileQuery);
  } catch (e) {
    plan = { error: (e as Error).message };
  }
  ctx.log(`   query plan: ${'shape' in plan ? `${plan.shape} (${plan.sequentialHops} sequential hops)` : plan.error}`);

  await warmUp(ctx, ctx.pool.take(3, (s) => isRich(s) && !hasAllFive(s)));
  const subjects = ctx.pool.take(ctx.quick ? 10 : WANTED, hasAllFive);
  const availableInWorld = ctx.pool.count(hasAllFive);
  ctx.log(`   ${subjects.length} subjects with data in all five departments (the ${ctx.pool.size}-subject world has ${availableInWorld})`);
  const { result: run, cpu: cpuAllFive } = await measureCpu(ctx.stack, (r) => r.samplesMs.length, () => sequentialProfiles(ctx, subjects), { exclude: PEER_PROCESSES });
  const p = percentiles(run.samplesMs);
  const twoPhaseTax = subjects.filter((s) => s.tax!.taxpayerId !== s.uscc).length;
  const chains = chainsOf(subjects);
  const longestChain = Math.max(...subjects.map(dependentChain));
  const chainBound = round1(CHAIN_BOUND * longestChain * latency);
  ctx.log(`   all five: p50 ${p.p50} ms, p90 ${p.p90} ms, p99 ${p.p99} ms (n=${p.n}, ${run.failed} with errors; dependent chain ${chains})`);

  const oneHopBound = round1(CHAIN_BOUND * latency);
  const { result: single, cpu } = await measureCpu(
    ctx.stack,
    (r) => r.samplesMs.length,
    () => sequentialProfiles(ctx, ctx.pool.take(ctx.quick ? 10 : SINGLE_HOP_SAMPLES, isSingleHop)),
    { exclude: PEER_PROCESSES },
  );
  const ps = percentiles(single.samplesMs);
  ctx.log(`   one round trip per department: p50 ${ps.p50} ms (n=${ps.n}, ${single.failed} with errors); CPU a request: ${cpu.totalMs} ms (${describeCpu(cpu)})`);
  // what every one-round-trip figure below misses its target by, measured in this run
  const contention =
    `The stack spent ${cpu.totalMs} ms of CPU on each one-hop request (${describeCpu(cpu)}; fanOut.singleHop.cpu) on ${os.cpus().length} cores. ` +
    `The subgraphs' work before and after their legacy calls and the gateway's before and after the fetches, the audit commit among it (SPEC §8: committed before the response leaves), ` +
    `are on the critical path, and the six subgraph processes do theirs at the same moments, so each waits for a core. ` +
    `Plain @apollo/gateway and Hive Gateway on the same subgraphs, with no authorization or audit, miss it too (overhead.coldPercentiles.plain, .hive). ${TRIED}`;

  // customs-registered, no list longer than a page: with the mapping cached, one round trip each
  const warm = await warmMappingProfiles(ctx, ctx.pool.take(ctx.quick ? 10 : WARM_MAPPING_SAMPLES, (s) => isRich(s) && listChain(s) === 1));
  const pw = percentiles(warm.run.samplesMs);
  const warmHeld = warm.customsCalls === pw.n && warm.primeOthersCalls === 0;
  ctx.log(
    `   customs mapping cached, sections cold: p50 ${pw.p50} ms (n=${pw.n}, ${warm.run.failed} with errors; customs calls: ${warm.primeCustomsCalls} priming, ${warm.customsCalls} timed)`,
  );

  // 信用核查 (issue 11) beside it: the same kind of subjects, each cold, asked for by the check only
  // The world holds few subjects every department knows and the profiles took them: the check reads
  // market, tax, court and customs only, so any subject those four know is as cold and as deep
  // (customs' mapping, then its CSV).
  const checked = await sequentialChecks(ctx, ctx.pool.take(ctx.quick ? 10 : WANTED, hasEveryListDepartment));
  const pc = percentiles(checked.samplesMs);
  ctx.log(`   credit check: p50 ${pc.p50} ms, p90 ${pc.p90} ms (n=${pc.n}, ${checked.failed} with errors or INCOMPLETE)`);

  return {
    name: 'fan-out',
    figures: [
      {
        id: 'fanOut.p50',
        label: `Fan-out: full profile, all five departments, cold, stand-ins at ${latency} ms — p50`,
        measured: p.p50,
        unit: 'ms',
        ratio: ratio(p.p50, latency),
        target: `p50 / ${latency} ms ≤ 1.25 (p50 ≤ ${bound} ms)`,
        met: run.failed === 0 && p.p50 <= bound,
        whyNotMet:
          `Customs answers only by 海关编码: a customs-registered subject takes the mapping call, then the CSV call, ${longestChain * latency} ms of legacy latency, ` +
          `above ${bound} ms before anything else; these subjects cost ${cpuAllFive.totalMs} ms of CPU a request (${describeCpu(cpuAllFive)}). See fanOut.chain.p50.`,
        note:
          `n=${p.n} distinct subjects (all the ${ctx.pool.size}-subject world has: ${availableInWorld}); ${run.failed} responses with errors. ` +
          `Every one has a customs record (mapping, then credit CSV: two dependent calls) and ${twoPhaseTax} are pre-2015 taxpayers (asked by their old number, their USCC beside it in the same call). Plan: ${'shape' in plan ? plan.shape : plan.error}`,
      },
      {
        id: 'fanOut.chain.p50',
        label: `Full profile, cold, beside the longest dependent chain of legacy round trips (${longestChain} × ${latency} ms) — p50`,
        measured: p.p50,
        unit: 'ms',
        ratio: ratio(p.p50, longestChain * latency),
        target: `p50 / (${longestChain} × ${latency} ms) ≤ ${CHAIN_BOUND} (p50 ≤ ${chainBound} ms; issue 13)`,
        met: run.failed === 0 && p.p50 <= chainBound,
        whyNotMet: `${p.p50} ms is the chain's ${longestChain * latency} ms and ${round1(p.p50 - longestChain * latency)} ms of ours, where the target leaves ${round1(chainBound - longestChain * latency)} ms. ${contention}`,
        note:
          `The fanOut.p50 requests. Dependent chain per subject: ${chains} — customs' mapping, then its credit CSV by the 海关编码 it gave; ` +
          `tax asks a lone subject by both its identifiers in one call; a market penalty list over 50 entries or a court list over 20 would take a second page (counted in the chain)`,
      },
      {
        id: 'fanOut.singleHop.p50',
        label: 'Full profile, cold, subjects every department answers in one round trip (no customs record, no list over a page) — p50',
        measured: ps.p50,
        unit: 'ms',
        ratio: ratio(ps.p50, latency),
        target: `p50 / ${latency} ms ≤ ${CHAIN_BOUND} (p50 ≤ ${oneHopBound} ms; issue 13, one-hop subject)`,
        met: single.failed === 0 && ps.p50 <= oneHopBound,
        whyNotMet: `${ps.p50} ms is ${latency} ms of legacy latency and ${round1(ps.p50 - latency)} ms of ours, where the target leaves ${round1(oneHopBound - latency)} ms. ${contention}`,
        note: `n=${ps.n} distinct subjects; ${single.failed} responses with errors`,
      },
      {
        id: 'fanOut.warmMapping.p50',
        label: 'Full profile of customs-registered subjects, 海关编码 mapping cached, every section cold — p50',
        measured: pw.p50,
        unit: 'ms',
        ratio: ratio(pw.p50, latency),
        target: `p50 / ${latency} ms ≤ ${CHAIN_BOUND} (p50 ≤ ${oneHopBound} ms; issue 13, warm mapping)`,
        met: warm.run.failed === 0 && warmHeld && pw.p50 <= oneHopBound,
        whyNotMet: `One customs round trip, as for a one-hop subject (fanOut.singleHop.p50): ${pw.p50} ms is ${latency} ms of legacy latency and ${round1(pw.p50 - latency)} ms of ours; the same CPU on two cores.`,
        note:
          `n=${pw.n} distinct subjects registered with market, tax, customs and finance; ${warm.run.failed} responses with errors. ` +
          `The state of a subject asked again after its rows' TTL (an hour) within its mapping's (CUSTOMS_IDENTIFIER_TTL_SECONDS, a day), reached without waiting: ` +
          `one customs-only request for all of them (subjects(usccs:) { customs { creditClass } }) while the customs stand-in refused their credit rows (faults.malformed) — ` +
          `the mapping answered and was cached, the refused rows were not (checked at the door, never cached), no other department was asked ` +
          `(priming: ${warm.primeCustomsCalls} customs calls, ${warm.primeOthersCalls} to the others). Timed run: ${warm.customsCalls} customs calls for ${pw.n} subjects ` +
          `(one each, the CSV: no mapping call)${warmHeld ? '' : ' — NOT the warm-mapping state, the figure does not count'}`,
      },
      {
        id: 'fanOut.singleHop.cpu',
        label: 'CPU per one-hop full profile, every process of the stack together (/proc, user + system)',
        measured: cpu.totalMs,
        unit: 'ms',
        ratio: ratio(cpu.totalMs, ps.p50),
        target: `— (reading aid: the cores the stack kept busy over a request's ${ps.p50} ms; ${os.cpus().length} cores)`,
        met: null,
        note: `per request, ms: ${describeCpu(cpu)} (n=${cpu.requests}, the fanOut.singleHop.p50 requests; PostgreSQL, Redis and the idle peer gateways not counted). All five: ${cpuAllFive.totalMs} ms (${describeCpu(cpuAllFive)})`,
      },
      {
        id: 'fanOut.creditCheck.p50',
        label: `Credit check (信用核查, PROCUREMENT) of a subject market, tax, court and customs know, cold — p50, beside the profile's ${p.p50} ms`,
        measured: pc.p50,
        unit: 'ms',
        ratio: ratio(pc.p50, p.p50),
        target: '— (beside the full profile: one platform hop more, to evaluate and record the check)',
        met: null,
        note: `n=${pc.n} distinct subjects; ${checked.failed} with errors or INCOMPLETE; ratio is check p50 / profile p50`,
      },
    ],
    latencies: [
      { label: 'fan-out, all five (cold)', ...pick(p) },
      { label: 'fan-out, one round trip each (cold)', ...pick(ps) },
      { label: 'fan-out, customs mapping cached (sections cold)', ...pick(pw) },
      { label: 'credit check, all five (cold)', ...pick(pc) },
    ],
    raw: {
      legacyLatencyMs: latency,
      plan,
      allFive: { ...run, percentiles: p, twoPhaseTax, availableInWorld, chains },
      singleHop: { ...single, percentiles: ps },
      warmMapping: { ...warm.run, percentiles: pw, primeCustomsCalls: warm.primeCustomsCalls, primeOthersCalls: warm.primeOthersCalls, customsCalls: warm.customsCalls },
      creditCheck: { ...checked, percentiles: pc },
    },
  };
}

interface WarmMappingRun {
  run: SequentialRun;
  /** legacy calls the priming request made: customs' (one mapping call, one refused CSV call) and every other department's (none) */
  primeCustomsCalls: number;
  primeOthersCalls: number;
  /** customs calls during the timed run: one a subject (the CSV) when every mapping was served from the cache */
  customsCalls: number;
}

/**
 * The full profile of customs-registered subjects whose 海关编码 mapping is cached while every
 * section is cold. The mappings are primed by one request selecting only `customs` for all of them
 * while the customs stand-in refuses their credit rows: the mapping answers and is cached, a
 * refused row is the department's failure and never cached, and no other department is asked.
 * (Shortening the stack's customs TTL instead would change the caches every other scenario
 * measures; writing the cache directly would not be the subgraph's own cache rule at work.)
 */
async function warmMappingProfiles(ctx: BenchContext, subjects: Subject[]): Promise<WarmMappingRun> {
  const customs = ctx.stack.legacyUrls.customs;
  const beforePrime = await legacyStats(ctx.stack.legacyUrls);
  await postJson(`${customs}/__admin/faults`, { malformed: subjects.map((s) => s.uscc) });
  try {
    await postGraphQL(ctx.stack.gatewayUrl, PRIME_MAPPINGS, { variables: { usccs: subjects.map((s) => s.uscc) }, token: ctx.token });
  } finally {
    await postJson(`${customs}/__admin/faults`, { malformed: [] });
  }
  const beforeRun = await legacyStats(ctx.stack.legacyUrls);
  const { result: run, cpu: cpuAllFive } = await measureCpu(ctx.stack, (r) => r.samplesMs.length, () => sequentialProfiles(ctx, subjects), { exclude: PEER_PROCESSES });
  const afterRun = await legacyStats(ctx.stack.legacyUrls);
  const calls = (from: LegacyStats, to: LegacyStats, departments: readonly Department[]) => departments.reduce((sum, d) => sum + to[d].requests - from[d].requests, 0);
  return {
    run,
    primeCustomsCalls: calls(beforePrime, beforeRun, ['customs']),
    primeOthersCalls: calls(beforePrime, beforeRun, DEPARTMENTS.filter((d) => d !== 'customs')),
    customsCalls: calls(beforeRun, afterRun, ['customs']),
  };
}

/** "2 for 22" — the subjects' dependent chains (round trips one after another), counted */
function chainsOf(subjects: readonly Subject[]): string {
  const counts = new Map<number, number>();
  for (const s of subjects) counts.set(dependentChain(s), (counts.get(dependentChain(s)) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => b - a).map(([chain, n]) => `${chain} for ${n}`).join(', ');
}

const pick = (p: { n: number; p50: number; p90: number; p99: number }) => ({ n: p.n, p50: p.p50, p90: p.p90, p99: p.p99 });
