import type { BenchContext, ScenarioResult } from '../lib/context';
import { postGraphQL, summarizeErrors } from '../lib/http';
import { legacyStats, resetLegacy } from '../lib/legacyAdmin';
import { sampleRss, type RssSample } from '../lib/rss';
import { percentiles } from '../lib/stats';

/**
 * Issue 17, finding 1: requests that multiply `subjects(usccs: 500 codes)` through aliases behind
 * fragments — one of them (15 × 500 behind a fragment) used to run the gateway out of heap and
 * stop `npm start`. They are sent back to back from several clients at the gateway process (heap
 * capped as `npm start` runs it) while its RSS is sampled every second. Targets: every attack
 * answered QUERY_TOO_COMPLEX by the subject limit (not by a lucky cost limit), no legacy system
 * asked anything, the gateway alive after, its RSS under SPEC §9.5's 300 MB.
 */

const CLIENTS = 8;
const MAX_RSS_MB = 300;

function attacks(ctx: BenchContext): { name: string; query: string }[] {
  const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
  // Four sections a screen reads, under the cost limit however the graph grows (the full profile
  // now costs more than 5,000 for two aliases): what must refuse these is the subject limit.
  const fragment = `fragment Profile on Subject { uscc kind registration { name status } tax { arrears { amount } } judicial { dishonestDebtor { caseNumber } } customs { creditClass } }`;
  return [
    {
      name: '2 aliases × 500 profiles behind `... on Query`',
      query: `query($usccs: [USCC!]!) { ... on Query { ${aliases(2, 'subjects(usccs: $usccs) { ...Profile }')} } } ${fragment}`,
    },
    {
      name: '2 aliases × 500 profiles behind a fragment',
      query: `query($usccs: [USCC!]!) { ...Many } fragment Many on Query { ${aliases(2, 'subjects(usccs: $usccs) { ...Profile }')} } ${fragment}`,
    },
    {
      name: '15 aliases × 500 behind a fragment',
      query: `query($usccs: [USCC!]!) { ...Many } fragment Many on Query { ${aliases(15, 'subjects(usccs: $usccs) { uscc registration { name } }')} }`,
    },
    {
      name: 'nested inline fragments, 3 × 500',
      query: `query($usccs: [USCC!]!) { ... { ... on Query { x: subjects(usccs: $usccs) { uscc } ... on Query { y: subjects(usccs: $usccs) { uscc } } } } z: subjects(usccs: $usccs) { uscc } }`,
    },
  ];
}

export async function subjectLimit(ctx: BenchContext): Promise<ScenarioResult> {
  const seconds = ctx.quick ? 10 : 30;
  const usccs = Array.from({ length: 500 }, (_, i) => ctx.pool.subject(i).uscc);
  const cases = attacks(ctx);
  const outcomes = new Map<string, number>();
  const latencies: number[] = [];
  let sent = 0;
  let refused = 0;

  await resetLegacy(ctx.stack.legacyUrls);
  const sampler = sampleRss(ctx.stack.gatewayPid);
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = client; Date.now() < deadline; i += CLIENTS) {
        const attack = cases[i % cases.length]!;
        sent++;
        try {
          const res = await postGraphQL(ctx.stack.gatewayUrl, attack.query, { token: ctx.token, variables: { usccs }, timeoutMs: 30_000 });
          latencies.push(res.ms);
          const error = res.body.errors?.[0];
          const bySubjectLimit = res.status === 400 && error?.extensions?.code === 'QUERY_TOO_COMPLEX' && /^subject count \d+ exceeds/.test(error.message);
          if (bySubjectLimit) refused++;
          else summarizeErrors(res.body.errors ?? [{ message: `HTTP ${res.status} without errors` }], outcomes);
        } catch (e) {
          outcomes.set(`no answer: ${(e as Error).message}`, (outcomes.get(`no answer: ${(e as Error).message}`) ?? 0) + 1);
        }
      }
    }),
  );
  const samples: RssSample[] = sampler.stop();
  const calls = Object.values(await legacyStats(ctx.stack.legacyUrls)).reduce((a, s) => a + s.requests, 0);
  let alive = true;
  try {
    process.kill(ctx.stack.gatewayPid, 0);
    const health = await fetch(ctx.stack.gatewayUrl.replace(/\/graphql$/, '/healthz'), { signal: AbortSignal.timeout(5000) });
    alive = health.status === 200;
  } catch {
    alive = false;
  }

  const max = Math.max(...samples.map((s) => s.mb));
  const first = samples[0]?.mb ?? 0;
  const last = samples[samples.length - 1]?.mb ?? 0;
  const p = percentiles(latencies);
  ctx.log(`   ${sent} attacks in ${seconds} s, ${refused} refused by the subject limit, ${calls} legacy calls; RSS ${first} → ${last} MB, max ${max} MB; alive ${alive}`);
  for (const [what, n] of outcomes) ctx.log(`   !! ${n} × ${what}`);

  return {
    name: 'subjectLimit',
    figures: [
      {
        id: 'subjectLimit.refused',
        label: `Subject limit: attacks answered QUERY_TOO_COMPLEX by it (${cases.length} shapes, ${CLIENTS} clients, ${seconds} s)`,
        measured: refused,
        unit: `of ${sent}`,
        ratio: sent > 0 ? Math.round((refused / sent) * 1000) / 1000 : 0,
        target: 'all (ratio 1.0), no legacy call, gateway alive',
        met: sent > 0 && refused === sent && calls === 0 && alive,
        note: `${calls} legacy calls; gateway ${alive ? 'alive' : 'DOWN'} after; p50 ${p.p50} ms, p99 ${p.p99} ms per refusal`,
      },
      {
        id: 'subjectLimit.maxRss',
        label: 'Subject limit: gateway RSS max under the attacks',
        measured: max,
        unit: 'MB',
        ratio: Math.round((max / MAX_RSS_MB) * 1000) / 1000,
        target: `max / ${MAX_RSS_MB} MB < 1.0`,
        met: max < MAX_RSS_MB,
        note: `${first} MB before → ${last} MB after`,
      },
    ],
    latencies: [{ label: 'subject-limit refusal', n: p.n, p50: p.p50, p90: p.p90, p99: p.p99 }],
    raw: { sent, refused, legacyCalls: calls, alive, outcomes: Object.fromEntries(outcomes), rss: samples },
  };
}
