import type { BenchContext, ScenarioResult } from '../lib/context';
import { sequentialProfiles, warmUp, type SequentialRun } from '../lib/sequential';
import { percentiles, ratio } from '../lib/stats';
import { isRich } from '../lib/subjects';

/**
 * SPEC §9.4 scale: p50 of the full profile with WORLD_SIZE=1,000,000 against 10,000 — only the
 * stand-ins process restarts with the other world; subgraphs, gateway, database stay up.
 * Order small → large → small, the small world's samples pooled, so drift of this shared machine
 * over the minute weighs on both sides alike. Subjects: registered with market, tax, customs and
 * finance (the court asked either way), never asked for before; the all-five subjects of the small
 * world (only a few dozen) went to the fan-out figure.
 */

const SMALL = 10_000;
const LARGE = 1_000_000;

export async function scale(ctx: BenchContext): Promise<ScenarioResult> {
  const perPhase = ctx.quick ? 10 : 20;
  const phase = async (size: number, n: number): Promise<SequentialRun> => {
    if (ctx.stack.worldSize !== size) {
      const t = Date.now();
      await ctx.stack.restartLegacy(size);
      ctx.pool.useWorld(size);
      ctx.log(`   stand-ins restarted with WORLD_SIZE=${size} in ${Date.now() - t} ms`);
    }
    await warmUp(ctx, ctx.pool.take(2, (s) => s.enterprise !== null), { untilClean: true });
    const run = await sequentialProfiles(ctx, ctx.pool.take(n, isRich));
    const p = percentiles(run.samplesMs);
    ctx.log(`   WORLD_SIZE=${size}: p50 ${p.p50} ms (n=${p.n}, ${run.failed} with errors)`);
    return run;
  };
  const smallA = await phase(SMALL, perPhase);
  const large = await phase(LARGE, 2 * perPhase);
  const smallB = await phase(SMALL, perPhase);
  const small = [...smallA.samplesMs, ...smallB.samplesMs];
  const ps = percentiles(small);
  const pl = percentiles(large.samplesMs);
  const rt = ratio(pl.p50, ps.p50);
  const failed = smallA.failed + smallB.failed + large.failed;
  return {
    name: 'scale',
    figures: [
      {
        id: 'scale.ratio',
        label: 'Scale: p50 of the full profile at WORLD_SIZE=1,000,000 (cold)',
        measured: pl.p50,
        unit: 'ms',
        ratio: rt,
        target: `p50 1M / p50 10k ≤ 1.10 (10k: ${ps.p50} ms)`,
        met: failed === 0 && rt <= 1.1,
        note: `p50 ${pl.p50} ms (n=${pl.n}) vs ${ps.p50} ms (n=${ps.n}); ${failed} responses with errors`,
      },
    ],
    latencies: [
      { label: `scale, WORLD_SIZE=${SMALL.toLocaleString('en')} (cold)`, n: ps.n, p50: ps.p50, p90: ps.p90, p99: ps.p99 },
      { label: `scale, WORLD_SIZE=${LARGE.toLocaleString('en')} (cold)`, n: pl.n, p50: pl.p50, p90: pl.p90, p99: pl.p99 },
    ],
    raw: { legacyLatencyMs: ctx.legacyLatencyMs, small: { percentiles: ps, runs: [smallA, smallB] }, large: { percentiles: pl, run: large }, ratio: rt },
  };
}
