import os from 'node:os';
import path from 'node:path';
import type { BenchContext, Figure, ScenarioResult } from '../lib/context';
import { postGraphQL } from '../lib/http';
import { setLegacyLatency } from '../lib/legacyAdmin';
import { runLoad, type LoadResult } from '../lib/load';
import { percentiles } from '../lib/stats';
import { isRich } from '../lib/subjects';
import { GATEWAY_NODE_ARGS, startService, stopAll, waitForLine } from '../../scripts/processes';
import { freePorts, startHaproxy } from '../../scripts/cluster/haproxy';

/**
 * Issue 15: throughput of two gateway replicas against one, both through HAProxy (so both pay the
 * balancer's hop), over the same six subgraph processes and the same query (one subject's full
 * profile, stand-ins at 0 ms as in the overhead scenario), rounds alternating one, two, one, two.
 * The second replica is a gateway process beside the stack's, sharing its Redis, database and
 * checkpoint directory. On a 2-core machine both replicas, the subgraphs, HAProxy and the load
 * generator share the same two cores: expect little gain; the figure is informational.
 */

const CONNECTIONS = 16;

export async function replicas(ctx: BenchContext): Promise<ScenarioResult> {
  const roundSeconds = ctx.quick ? 3 : 10;
  const rounds = ctx.quick ? 2 : 3;
  const [onePort, twoPort, secondPort] = (await freePorts(3)) as [number, number, number];
  const firstPort = Number(new URL(ctx.stack.gatewayUrl).port);
  const second = startService(
    { name: 'gateway-replica-2', entry: 'gateway/index.ts', nodeArgs: GATEWAY_NODE_ARGS, env: { ...ctx.stack.env, PORT: String(secondPort) } },
    { quiet: !process.env.BENCH_VERBOSE },
  );
  const haproxy = await startHaproxy(
    {
      backends: [
        { name: 'one', frontendPort: onePort, serverPorts: [firstPort], healthPath: '/readyz' },
        { name: 'two', frontendPort: twoPort, serverPorts: [firstPort, secondPort], healthPath: '/readyz' },
      ],
    },
    path.join(os.tmpdir(), `credit-bench-haproxy-${process.pid}`),
  );
  try {
    await waitForLine(second, /^gateway serving at /);
    const oneUrl = `http://127.0.0.1:${onePort}/graphql`;
    const twoUrl = `http://127.0.0.1:${twoPort}/graphql`;
    const subject = ctx.pool.take(1, isRich)[0]!;
    const body = JSON.stringify({ query: ctx.profileQuery, variables: { uscc: subject.uscc } });
    await setLegacyLatency(ctx.stack.legacyUrls, 0);
    // both replicas answer through the balancer (its health checks have passed) before anything is measured
    const seen = new Set<string>();
    for (let i = 0; i < 600 && seen.size < 2; i++) {
      const r = await fetch(twoUrl.replace(/\/graphql$/, '/readyz')).catch(() => undefined);
      const by = r?.headers.get('x-served-by');
      if (r?.status === 200 && by) seen.add(by);
      await new Promise((res) => setTimeout(res, 50));
    }
    if (seen.size < 2) throw new Error(`the balancer reached only ${[...seen].join(', ') || 'no replica'}`);
    const load = (url: string, seconds: number) => runLoad({ url, token: ctx.token, nextBody: () => body, connections: CONNECTIONS, durationSeconds: seconds });
    await load(twoUrl, ctx.quick ? 1 : 3); // warm both
    const one: LoadResult[] = [];
    const two: LoadResult[] = [];
    for (let i = 0; i < rounds; i++) {
      const a = await load(oneUrl, roundSeconds);
      one.push(a);
      const b = await load(twoUrl, roundSeconds);
      two.push(b);
      ctx.log(`   round ${i + 1}: one replica ${a.okPerSecond} req/s (p50 ${a.latencyMs.p50} ms, ${a.withErrors + a.non2xx} failed) | two ${b.okPerSecond} req/s (p50 ${b.latencyMs.p50} ms, ${b.withErrors + b.non2xx} failed)`);
    }
    const rate = (rs: LoadResult[]) => rs.reduce((a, r) => a + r.ok, 0) / rs.reduce((a, r) => a + r.durationSeconds, 0);
    const oneRate = rate(one);
    const twoRate = rate(two);
    const gain = Math.round((twoRate / oneRate) * 100) / 100;
    const failed = [...one, ...two].reduce((a, r) => a + r.withErrors + r.non2xx + r.connectionErrors, 0);
    ctx.log(`   two replicas / one: ${gain} (${twoRate.toFixed(1)} vs ${oneRate.toFixed(1)} req/s) on ${os.cpus().length} cores`);
    const figures: Figure[] = [
      {
        id: 'replicas.throughput',
        label: 'Replicas: full profiles per second, two gateway replicas / one (both behind HAProxy)',
        measured: Math.round(twoRate * 10) / 10,
        unit: 'req/s',
        ratio: gain,
        target: '— (informational)',
        met: null,
        note: `one replica ${oneRate.toFixed(1)} req/s; ${os.cpus().length} cores shared by both replicas, six subgraphs, stand-ins, HAProxy and the load generator; ${failed} failed`,
      },
    ];
    const series = (label: string, rs: LoadResult[]) => ({ label, n: rs.reduce((a, r) => a + r.ok, 0), p50: median(rs.map((r) => r.latencyMs.p50)), p90: median(rs.map((r) => r.latencyMs.p90)), p99: median(rs.map((r) => r.latencyMs.p99)) });
    return { name: 'replicas', figures, latencies: [series('one replica (HAProxy)', one), series('two replicas (HAProxy)', two)], raw: { one, two, cores: os.cpus().length } };
  } finally {
    await setLegacyLatency(ctx.stack.legacyUrls, ctx.legacyLatencyMs);
    await stopAll([second]);
    await haproxy.stop();
  }
}

const median = (xs: number[]): number => percentiles(xs).p50;
