import fs from 'node:fs';
import type { BenchContext, ScenarioResult } from '../lib/context';
import { sequentialChecks } from '../lib/creditChecks';
import { SUPERGRAPH_FILE } from '../lib/profileQuery';
import { planShape, type PlanShape } from '../lib/queryPlan';
import { sequentialProfiles, warmUp } from '../lib/sequential';
import { percentiles, ratio } from '../lib/stats';
import { hasAllFive, hasEveryListDepartment, isRich, isSingleHop } from '../lib/subjects';

/**
 * SPEC §9.1 fan-out: the full profile of subjects with data in all five departments, every
 * stand-in at LEGACY_LATENCY_MS, each request a subject never asked for before (cold), one after
 * another. Target: p50 ≤ 1.25 × latency (all departments in parallel, one hop after the platform).
 *
 * Beside it, for reading the figure: the same query for subjects every department answers in one
 * round trip (tax knows them by USCC, customs has no record — the two departments whose protocol
 * needs a second, dependent call otherwise).
 */

const WANTED = 40;
const SINGLE_HOP_SAMPLES = 20;

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
  const run = await sequentialProfiles(ctx, subjects);
  const p = percentiles(run.samplesMs);
  const twoPhaseTax = subjects.filter((s) => s.tax!.taxpayerId !== s.uscc).length;
  ctx.log(`   all five: p50 ${p.p50} ms, p90 ${p.p90} ms, p99 ${p.p99} ms (n=${p.n}, ${run.failed} with errors)`);

  const single = await sequentialProfiles(ctx, ctx.pool.take(ctx.quick ? 10 : SINGLE_HOP_SAMPLES, isSingleHop));
  const ps = percentiles(single.samplesMs);
  ctx.log(`   one round trip per department: p50 ${ps.p50} ms (n=${ps.n}, ${single.failed} with errors)`);

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
        note:
          `n=${p.n} distinct subjects (all the ${ctx.pool.size}-subject world has: ${availableInWorld}); ${run.failed} responses with errors. ` +
          `Every one has a customs record (mapping, then credit CSV: two dependent calls) and ${twoPhaseTax} are pre-2015 taxpayers (asked by their old number, their USCC beside it in the same call). Plan: ${'shape' in plan ? plan.shape : plan.error}`,
      },
      {
        id: 'fanOut.singleHop.p50',
        label: 'Fan-out, subjects every department answers in one round trip (post-2015 taxpayer, no customs record) — p50',
        measured: ps.p50,
        unit: 'ms',
        ratio: ratio(ps.p50, latency),
        target: '— (reading aid)',
        met: null,
        note: `n=${ps.n}; ${single.failed} responses with errors`,
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
      { label: 'credit check, all five (cold)', ...pick(pc) },
    ],
    raw: { legacyLatencyMs: latency, plan, allFive: { ...run, percentiles: p, twoPhaseTax, availableInWorld }, singleHop: { ...single, percentiles: ps }, creditCheck: { ...checked, percentiles: pc } },
  };
}

const pick = (p: { n: number; p50: number; p90: number; p99: number }) => ({ n: p.n, p50: p.p50, p90: p.p90, p99: p.p99 });
