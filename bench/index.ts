import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { signDevToken } from '../lib/auth/devToken';
import type { BenchContext, ScenarioResult } from './lib/context';
import { findFreePorts } from './lib/ports';
import { batchQuery, fullProfileFragment, profileQuery } from './lib/profileQuery';
import { writeResults } from './lib/report';
import { startBenchStack, type BenchStack } from './lib/stack';
import { SubjectPool } from './lib/subjects';
import { batching } from './scenarios/batching';
import { fanOut } from './scenarios/fanOut';
import { hungDepartment } from './scenarios/hungDepartment';
import { memory } from './scenarios/memory';
import { overhead } from './scenarios/overhead';
import { phases } from './scenarios/phases';
import { replicas } from './scenarios/replicas';
import { scale } from './scenarios/scale';
import { subjectLimit } from './scenarios/subjectLimit';
import { worldGeneration } from './scenarios/world';

/**
 * `npm run bench`: SPEC §9 in one run. Starts its own stack as separate processes on free loopback
 * ports (5000-5200), runs the scenarios in an order that keeps cold subjects cold (the load
 * scenarios, which touch thousands of subjects, come last), writes bench/results/latest.{json,md}
 * and latency.svg, and stops every process it started — also on error and Ctrl-C.
 *
 * BENCH_QUICK=1 shortens every duration (for development; figures indicative only);
 * BENCH_ONLY=fanOut,batching runs a subset (fanOut, batching, scale, overhead, memory, replicas, hungDepartment, subjectLimit, phases, world).
 */

const SCENARIOS: [string, (ctx: BenchContext) => Promise<ScenarioResult>][] = [
  ['fanOut', fanOut],
  ['batching', batching],
  ['scale', scale],
  ['overhead', overhead],
  ['memory', memory],
  // issue 15: a second gateway replica beside the stack's, both behind HAProxy
  ['replicas', replicas],
  // last: it leaves a circuit to close again, and takes its cold subjects outside memory's rotation
  ['hungDepartment', hungDepartment],
  // asks no legacy system: anywhere would do; last, so its refusals weigh on no other figure
  ['subjectLimit', subjectLimit],
];

/** SPEC §9.1 measures fan-out with every stand-in at 40 ms; the other cold scenarios keep it */
const LEGACY_LATENCY_MS = 40;
const WORLD_SIZE = 10_000;

const t0 = performance.now();
const log = (line: string) => process.stdout.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);

let stopStack: (() => Promise<void>) | undefined;
let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    log('stopping every process the benchmark started');
    await stopStack?.().catch((e) => log(`stop failed: ${(e as Error).message}`));
  }
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(130));
process.once('SIGTERM', () => void shutdown(143));

async function main(): Promise<void> {
  const startedAt = new Date();
  const quick = process.env.BENCH_QUICK === '1';
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  const known = [...SCENARIOS.map(([name]) => name), 'phases', 'world'];
  const unknown = only?.filter((o) => !known.includes(o)) ?? [];
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown scenario ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const seed = Number(process.env.WORLD_SEED || 1);

  log(`credit-graph benchmark${quick ? ' (BENCH_QUICK=1: short durations)' : ''}: starting the stack`);
  const ports = await findFreePorts();
  const fragment = fullProfileFragment();
  const pool = new SubjectPool(WORLD_SIZE, seed);
  const stack: BenchStack = await startBenchStack({
    ports,
    worldSize: WORLD_SIZE,
    legacyLatencyMs: LEGACY_LATENCY_MS,
    runId: randomUUID().slice(0, 8),
    log,
    onStopper: (stop) => (stopStack = stop),
  });
  log(`stack ready: gateway ${stack.gatewayUrl}, plain gateway ${stack.plainGatewayUrl}`);

  const jwt = stack.config.jwt;
  if (jwt.kind !== 'secret') throw new Error('JWT_JWKS_URL is set: the benchmark signs its own development tokens and needs JWT_SECRET (or the development key)');
  const token = await signDevToken({ role: 'government', org: 'bench-org', purpose: 'financial-supervision', ttl: '2h' }, jwt);
  const ctx: BenchContext = {
    stack,
    pool,
    token,
    profileQuery: profileQuery(fragment),
    batchQuery: batchQuery(fragment),
    legacyLatencyMs: LEGACY_LATENCY_MS,
    quick,
    log,
  };

  const results: ScenarioResult[] = [];
  const failures: { scenario: string; error: string }[] = [];
  try {
    for (const [name, run] of SCENARIOS) {
      if (only && !only.includes(name)) continue;
      log(`scenario ${name}`);
      try {
        results.push(await run(ctx));
      } catch (e) {
        const error = (e as Error).message;
        failures.push({ scenario: name, error });
        log(`!! scenario ${name} failed: ${error}`);
        process.stderr.write(`${stack.tails()}\n`);
      }
    }
  } finally {
    log('stopping the stack');
    await stack.stop();
    stopStack = undefined;
  }
  if (!only || only.includes('phases')) {
    log('scenario phases (a traced stack of its own, the main stack stopped)');
    try {
      results.push(await phases({ base: ctx, worldSize: WORLD_SIZE, worldSeed: seed, onStopper: (stop) => (stopStack = stop) }));
    } catch (e) {
      failures.push({ scenario: 'phases', error: (e as Error).message });
      log(`!! scenario phases failed: ${(e as Error).message}`);
    } finally {
      stopStack = undefined;
    }
  }
  if (!only || only.includes('world')) {
    log('scenario world (bench/world.ts, the stack stopped)');
    try {
      results.push(await worldGeneration());
    } catch (e) {
      failures.push({ scenario: 'world', error: (e as Error).message });
      log(`!! scenario world failed: ${(e as Error).message}`);
    }
  }

  const files = writeResults(results, {
    startedAt,
    finishedAt: new Date(),
    failures,
    settings: {
      quick,
      scenarios: results.map((r) => r.name),
      worldSize: WORLD_SIZE,
      worldSeed: seed,
      legacyLatencyMs: LEGACY_LATENCY_MS,
      database: stack.embeddedDatabase ? 'embedded PGlite (fresh directory via EMBEDDED_DB_DIR)' : 'DATABASE_URL',
      rateLimitPerMinute: stack.env.RATE_LIMIT_PER_MINUTE,
      cache: stack.config.redisUrl ? 'Redis (REDIS_URL, fresh key prefix)' : 'in-process (no REDIS_URL)',
      ports,
    },
  });
  log('results:');
  for (const f of results.flatMap((r) => r.figures)) {
    const verdict = f.met === null ? '    ' : f.met ? ' ok ' : 'FAIL';
    process.stdout.write(`  ${verdict} ${f.label}: ${f.measured} ${f.unit}${f.ratio !== undefined ? `, ratio ${f.ratio}` : ''} (target ${f.target})\n`);
  }
  log(`wrote ${files.md}, ${files.json}, ${files.svg}`);
  if (failures.length) process.exitCode = 1;
}

main().catch(async (e) => {
  log(`benchmark failed: ${(e as Error).message}`);
  await shutdown(1);
});
