import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEPARTMENTS, SUBGRAPHS, loadConfig, type Config, type Department } from '../../lib/config';
import { GATEWAY_NODE_ARGS, startService, stopAll, waitForOk, waitForPort, type RunningService, type ServiceSpec } from '../../scripts/processes';
import { portsInUse, type BenchPorts } from './ports';

/**
 * The benchmark's own stack, every part a separate process on loopback (as `npm start` runs it):
 * database (embedded PGlite unless DATABASE_URL is set), the five stand-ins in one process, the six
 * subgraphs, our gateway, and its two peers: the plain @apollo/gateway baseline and Hive Gateway.
 * Child output is kept out of the progress lines; the last lines of each service are printed when
 * something fails.
 */

export interface BenchStackOptions {
  ports: BenchPorts;
  worldSize: number;
  legacyLatencyMs: number;
  /** unique per run: Redis key prefix, so no cache of an earlier run is warm */
  runId: string;
  log(line: string): void;
  /** more variables for every process it starts (the phases scenario turns tracing on with them) */
  env?: Record<string, string>;
  /** receives, before anything starts, the function that stops whatever has started (for SIGINT) */
  onStopper?(stop: () => Promise<void>): void;
}

export interface BenchStack {
  readonly env: Record<string, string | undefined>;
  readonly config: Config;
  readonly databaseUrl: string;
  readonly embeddedDatabase: boolean;
  readonly gatewayUrl: string;
  readonly plainGatewayUrl: string;
  readonly hiveGatewayUrl: string;
  /** pid of the gateway's node process (its /proc/<pid>/status is read for RSS) */
  readonly gatewayPid: number;
  readonly legacyUrls: Record<Department, string>;
  readonly worldSize: number;
  /** restarts the stand-ins process with another WORLD_SIZE; everything else stays as it is */
  restartLegacy(worldSize: number): Promise<void>;
  /** CPU time (user + system) each running service's process has used so far, ms by service name */
  processCpuMs(): Record<string, number>;
  /** the last lines every service printed (for failure reports) */
  tails(): string;
  stop(): Promise<void>;
}

const TAIL_LINES = 30;
export const BENCH_RATE_LIMIT_PER_MINUTE = 10_000_000;

interface Tracked {
  service: RunningService;
  tail: string[];
  expectedExit: boolean;
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const { ports, log } = options;
  const tracked: Tracked[] = [];
  let pgliteDir: string | undefined;

  const start = (spec: ServiceSpec): Tracked => {
    const service = startService(spec, { quiet: !process.env.BENCH_VERBOSE });
    const t: Tracked = { service, tail: [], expectedExit: false };
    for (const stream of [service.child.stdout, service.child.stderr]) {
      stream?.on('data', (chunk: Buffer | string) => {
        for (const line of chunk.toString().split('\n')) if (line.trim()) t.tail.push(line);
        if (t.tail.length > TAIL_LINES) t.tail.splice(0, t.tail.length - TAIL_LINES);
      });
    }
    void service.exited.then((code) => {
      if (!t.expectedExit) log(`!! ${spec.name} exited unexpectedly (code ${code})`);
    });
    tracked.push(t);
    return t;
  };

  const overrides: Record<string, string | undefined> = {};
  // The benchmark runs its own stand-ins and subgraphs: URL overrides from the shell would point elsewhere.
  for (const d of DEPARTMENTS) overrides[`${d.toUpperCase()}_LEGACY_URL`] = undefined;
  for (const s of SUBGRAPHS) overrides[`${s.toUpperCase()}_SUBGRAPH_URL`] = undefined;
  // Tracing costs time: off for the timed scenarios whatever the shell says; the phases scenario
  // turns it on for a stack of its own (options.env).
  for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) overrides[name] = undefined;
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...overrides,
    PORT: String(ports.gateway),
    SUBGRAPH_PORT_BASE: String(ports.subgraphBase),
    LEGACY_PORT_BASE: String(ports.legacyBase),
    LEGACY_LATENCY_MS: String(options.legacyLatencyMs),
    WORLD_SIZE: String(options.worldSize),
    WORLD_SEED: process.env.WORLD_SEED || '1',
    REDIS_KEY_PREFIX: `bench:${options.runId}:`,
    // The benchmark's ledger is not npm start's: its checkpoints (SPEC §8, one directory per ledger
    // database) stay out of ./data/audit-checkpoints, where audit:verify would miss its chains.
    AUDIT_CHECKPOINT_DIR: process.env.AUDIT_CHECKPOINT_DIR || path.join(os.tmpdir(), `credit-bench-audit-checkpoints-${options.runId}`),
    PLAIN_GATEWAY_PORT: String(ports.plainGateway),
    HIVE_GATEWAY_PORT: String(ports.hiveGateway),
    // The limiter stays on (its cost is part of the overhead figure), but one benchmark consumer
    // sending a load must not be refused with 429 at the default 6000 a minute.
    RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE || String(BENCH_RATE_LIMIT_PER_MINUTE),
    ...options.env,
  };

  let stopRequested = false;
  const stopEverything = async () => {
    stopRequested = true;
    for (const t of tracked) t.expectedExit = true;
    const byName = (names: string[]) => tracked.filter((t) => names.includes(t.service.name)).map((t) => t.service);
    // front to back, so the gateway can still commit its last audit group while stopping
    await stopAll(byName(['gateway', 'plain-gateway', 'hive-gateway']));
    await stopAll(byName([...SUBGRAPHS]));
    await stopAll(byName(['legacy']));
    await stopAll(byName(['database']));
    if (pgliteDir) fs.rmSync(pgliteDir, { recursive: true, force: true });
  };
  options.onStopper?.(stopEverything);

  try {
    const embeddedDatabase = !process.env.DATABASE_URL;
    if (embeddedDatabase) {
      pgliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-bench-pglite-'));
      const db = start({ name: 'database', entry: 'scripts/embeddedDatabase.ts', env: { ...env, EMBEDDED_DB_PORT: String(ports.database), EMBEDDED_DB_DIR: path.join(pgliteDir, 'data') } });
      env.DATABASE_URL = `postgres://postgres@127.0.0.1:${ports.database}/postgres?sslmode=disable`;
      await waitForPort(ports.database, db.service);
    }
    const config = loadConfig(env);
    log(`   ports: gateway ${ports.gateway}, plain gateway ${ports.plainGateway}, Hive Gateway ${ports.hiveGateway}, subgraphs ${ports.subgraphBase + 1}-${ports.subgraphBase + 6}, stand-ins ${ports.legacyBase + 1}-${ports.legacyBase + 5}${embeddedDatabase ? `, database ${ports.database}` : ''} (${portsInUse(ports).length} ports)`);
    log(`   database: ${embeddedDatabase ? 'embedded PGlite (fresh directory)' : 'DATABASE_URL'}; cache: ${config.redisUrl ? `Redis (prefix ${env.REDIS_KEY_PREFIX})` : 'in-process (no REDIS_URL)'}`);

    let legacy: Tracked | undefined;
    let worldSize = options.worldSize;
    const startLegacy = async (size: number) => {
      legacy = start({ name: 'legacy', entry: 'legacy/index.ts', env: { ...env, WORLD_SIZE: String(size) } });
      await Promise.all(DEPARTMENTS.map((d) => waitForOk(`${config.legacyUrls[d]}/__admin/stats`, legacy!.service)));
      worldSize = size;
    };
    await startLegacy(options.worldSize);

    const subgraphs = SUBGRAPHS.map((name) => start({ name, entry: `subgraphs/${name}/index.ts`, env }));
    await Promise.all(subgraphs.map((s) => waitForOk(config.subgraphUrls[s.service.name as (typeof SUBGRAPHS)[number]].replace(/\/graphql$/, '/healthz'), s.service)));

    const gateway = start({ name: 'gateway', entry: 'gateway/index.ts', env, nodeArgs: GATEWAY_NODE_ARGS });
    const plain = start({ name: 'plain-gateway', entry: 'bench/plainGateway.ts', env });
    const hive = start({ name: 'hive-gateway', entry: 'bench/hiveGateway.ts', env });
    const gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;
    const plainGatewayUrl = `http://127.0.0.1:${ports.plainGateway}/graphql`;
    const hiveGatewayUrl = `http://127.0.0.1:${ports.hiveGateway}/graphql`;
    await Promise.all([
      waitForOk(`http://127.0.0.1:${ports.gateway}/readyz`, gateway.service),
      waitForGraphQL(plainGatewayUrl, plain.service),
      waitForGraphQL(hiveGatewayUrl, hive.service),
    ]);

    return {
      env,
      config,
      databaseUrl: env.DATABASE_URL!,
      embeddedDatabase,
      gatewayUrl,
      plainGatewayUrl,
      hiveGatewayUrl,
      gatewayPid: gateway.service.child.pid!,
      legacyUrls: config.legacyUrls,
      get worldSize() {
        return worldSize;
      },
      async restartLegacy(size) {
        if (legacy) {
          legacy.expectedExit = true;
          await stopAll([legacy.service]);
          tracked.splice(tracked.indexOf(legacy), 1);
        }
        await startLegacy(size);
      },
      processCpuMs: () => Object.fromEntries(tracked.flatMap((t) => (t.service.child.pid === undefined ? [] : [[t.service.name, processCpuMs(t.service.child.pid)]]))),
      tails: () => tracked.map((t) => [`--- ${t.service.name}`, ...t.tail].join('\n')).join('\n'),
      stop: stopEverything,
    };
  } catch (e) {
    // stopped from outside (Ctrl-C): the services' exits are the consequence, not the cause
    if (!stopRequested) process.stderr.write(`${tracked.map((t) => [`--- ${t.service.name}`, ...t.tail].join('\n')).join('\n')}\n`);
    await stopEverything();
    throw e;
  }
}

/** clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux, whatever the kernel's HZ) */
const USER_HZ = 100;

/** CPU time a process has used, user + system, from /proc/<pid>/stat (fields 14 and 15); 0 once it is gone */
function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the name (field 2) may hold spaces and parentheses: count from the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return 0;
  }
}

/** Polls a GraphQL endpoint with `{ __typename }` until it answers 200 (the peers' servers have no /readyz). */
async function waitForGraphQL(url: string, service: RunningService, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void service.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${service.name} exited before it was ready`);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}', signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service.name} was not ready at ${url} within ${timeoutMs} ms`);
}
