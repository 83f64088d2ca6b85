import type { BenchContext, Figure, ScenarioResult } from '../lib/context';
import { auditEntriesBetween, type AuditWindowCount } from '../lib/auditRows';
import { postGraphQL } from '../lib/http';
import { resetLegacy, setLegacyLatency } from '../lib/legacyAdmin';
import { runLoad, type LoadResult } from '../lib/load';
import { SECTIONS } from '../lib/profileQuery';
import { percentiles, ratio } from '../lib/stats';
import { isRich } from '../lib/subjects';

/**
 * SPEC §9.3 overhead: throughput of this gateway (authentication, field access, audit ON) against a
 * plain @apollo/gateway (bench/plainGateway.ts) over the same supergraph and the same subgraph
 * processes, the same query (one subject's full profile), rounds alternating A B A B in one run.
 *
 * "Warm caches": whether or not the subgraphs cache legacy answers, the stand-ins answer at 0 ms
 * for these rounds (admin faults), so the legacy systems' latency cannot hide the gateways' cost;
 * the configured latency is restored afterwards.
 *
 * Also here, for the audit figure: the p50 our gateway adds, under this load and unloaded
 * (sequential requests alternating between the two gateways).
 */

const CONNECTIONS = 16;

export async function overhead(ctx: BenchContext): Promise<ScenarioResult> {
  const roundSeconds = ctx.quick ? 3 : 10;
  const rounds = ctx.quick ? 2 : 4;
  const unloadedPairs = ctx.quick ? 20 : 100;
  const { gatewayUrl, plainGatewayUrl } = ctx.stack;
  const subject = ctx.pool.take(1, isRich)[0]!;
  const body = JSON.stringify({ query: ctx.profileQuery, variables: { uscc: subject.uscc } });

  await setLegacyLatency(ctx.stack.legacyUrls, 0);
  try {
    // Both must give the same answer, or the comparison means nothing.
    const ours = await postGraphQL(gatewayUrl, ctx.profileQuery, { variables: { uscc: subject.uscc }, token: ctx.token });
    const plain = await postGraphQL(plainGatewayUrl, ctx.profileQuery, { variables: { uscc: subject.uscc } });
    const sections = (r: typeof ours) => SECTIONS.filter((s) => r.body.data?.subject?.[s]).join(',');
    const sameAnswer = ours.status === 200 && plain.status === 200 && !ours.body.errors && !plain.body.errors && sections(ours) === sections(plain);
    ctx.log(`   subject ${subject.uscc}: ours ${ours.status} [${sections(ours)}]${ours.body.errors ? ' with errors' : ''}, plain ${plain.status} [${sections(plain)}]${plain.body.errors ? ' with errors' : ''}`);

    const load = (url: string, seconds: number, token?: string) => runLoad({ url, token, nextBody: () => body, connections: CONNECTIONS, durationSeconds: seconds });
    await load(gatewayUrl, ctx.quick ? 1 : 3, ctx.token);
    await load(plainGatewayUrl, ctx.quick ? 1 : 3);

    const oursRounds: LoadResult[] = [];
    const plainRounds: LoadResult[] = [];
    const auditWindows: AuditWindowCount[] = [];
    for (let i = 0; i < rounds; i++) {
      const a = await load(gatewayUrl, roundSeconds, ctx.token);
      oursRounds.push(a);
      auditWindows.push(await auditEntriesBetween(ctx.stack.databaseUrl, ctx.stack.gatewayPid, new Date(a.startedAt), new Date(a.finishedAt)));
      const b = await load(plainGatewayUrl, roundSeconds);
      plainRounds.push(b);
      ctx.log(`   round ${i + 1}: ours ${a.okPerSecond} req/s (p50 ${a.latencyMs.p50} ms, ${a.withErrors + a.non2xx} failed) | plain ${b.okPerSecond} req/s (p50 ${b.latencyMs.p50} ms, ${b.withErrors + b.non2xx} failed)`);
    }
    const rate = (rs: LoadResult[]) => rs.reduce((a, r) => a + r.ok, 0) / rs.reduce((a, r) => a + r.durationSeconds, 0);
    const oursRate = rate(oursRounds);
    const plainRate = rate(plainRounds);
    const throughputRatio = ratio(oursRate, plainRate);
    const median = (xs: number[]) => percentiles(xs).p50;
    const oursLoadedP50 = median(oursRounds.map((r) => r.latencyMs.p50));
    const plainLoadedP50 = median(plainRounds.map((r) => r.latencyMs.p50));
    const failed = [...oursRounds, ...plainRounds].reduce((a, r) => a + r.withErrors + r.non2xx + r.connectionErrors, 0);
    const entries = auditWindows.reduce((a, w) => a + w.entries, 0);
    const auditRate = entries / auditWindows.reduce((a, w) => a + w.seconds, 0);
    const oursOk = oursRounds.reduce((a, r) => a + r.ok + r.withErrors, 0);

    // Unloaded: one request at a time, alternating, so both see the same moment of the machine.
    const oursSeq: number[] = [];
    const plainSeq: number[] = [];
    for (let i = 0; i < unloadedPairs; i++) {
      oursSeq.push((await postGraphQL(gatewayUrl, ctx.profileQuery, { variables: { uscc: subject.uscc }, token: ctx.token })).ms);
      plainSeq.push((await postGraphQL(plainGatewayUrl, ctx.profileQuery, { variables: { uscc: subject.uscc } })).ms);
    }
    const po = percentiles(oursSeq);
    const pp = percentiles(plainSeq);
    ctx.log(`   throughput ours/plain ${throughputRatio} (${oursRate.toFixed(1)} vs ${plainRate.toFixed(1)} req/s); unloaded p50 ${po.p50} vs ${pp.p50} ms; audit ${auditRate.toFixed(0)} entries/s`);

    const figures: Figure[] = [
      {
        id: 'overhead.throughputRatio',
        label: `Overhead: throughput of our gateway (auth + audit on), warm, ${CONNECTIONS} connections`,
        measured: Math.round(oursRate * 10) / 10,
        unit: 'req/s',
        ratio: throughputRatio,
        target: `ours / plain ≥ 1.0 (plain: ${plainRate.toFixed(1)} req/s)`,
        met: sameAnswer && failed === 0 && throughputRatio >= 1.0,
        note: `${oursRate.toFixed(1)} vs ${plainRate.toFixed(1)} complete answers/s, ${rounds} rounds of ${roundSeconds} s each alternating; ${failed} failed responses; same answer from both: ${sameAnswer}`,
      },
      {
        id: 'audit.addedP50.loaded',
        label: `Audit: p50 added by our gateway under load (${CONNECTIONS} connections), ours − plain`,
        measured: Math.round((oursLoadedP50 - plainLoadedP50) * 10) / 10,
        unit: 'ms',
        target: '— (no numeric target)',
        met: null,
        note: `p50 ${oursLoadedP50} vs ${plainLoadedP50} ms (median of the rounds' p50)`,
      },
      {
        id: 'audit.addedP50.unloaded',
        label: 'Audit: p50 added by our gateway, one request at a time, ours − plain',
        measured: Math.round((po.p50 - pp.p50) * 10) / 10,
        unit: 'ms',
        target: '— (no numeric target)',
        met: null,
        note: `p50 ${po.p50} vs ${pp.p50} ms, ${unloadedPairs} alternating pairs`,
      },
      {
        id: 'audit.entriesPerSecond.overhead',
        label: 'Audit: entries committed per second during the overhead rounds (ours)',
        measured: Math.round(auditRate),
        unit: 'entries/s',
        target: '— (no numeric target)',
        met: null,
        note: `${entries} entries for ${oursOk} answered requests (${(entries / Math.max(1, oursOk)).toFixed(1)} per request)`,
      },
    ];
    return {
      name: 'overhead',
      figures,
      latencies: [
        { label: `overhead: ours, ${CONNECTIONS} connections (warm)`, n: oursOk, p50: oursLoadedP50, p90: median(oursRounds.map((r) => r.latencyMs.p90)), p99: median(oursRounds.map((r) => r.latencyMs.p99)) },
        { label: `overhead: plain, ${CONNECTIONS} connections (warm)`, n: plainRounds.reduce((a, r) => a + r.ok, 0), p50: plainLoadedP50, p90: median(plainRounds.map((r) => r.latencyMs.p90)), p99: median(plainRounds.map((r) => r.latencyMs.p99)) },
        { label: 'overhead: ours, one at a time (warm)', n: po.n, p50: po.p50, p90: po.p90, p99: po.p99 },
        { label: 'overhead: plain, one at a time (warm)', n: pp.n, p50: pp.p50, p90: pp.p90, p99: pp.p99 },
      ],
      raw: { subject: subject.uscc, connections: CONNECTIONS, roundSeconds, legacyLatencyMsDuringRounds: 0, sameAnswer, oursRounds, plainRounds, auditWindows, unloaded: { ours: po, plain: pp } },
    };
  } finally {
    await resetLegacy(ctx.stack.legacyUrls);
  }
}
