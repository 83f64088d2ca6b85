import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { TEST_REDIS_URL, createTestSchema } from './database';
import { signDevToken, type DevTokenClaims } from '../../lib/auth/devToken';
import { DEPARTMENTS, SUBGRAPHS, loadConfig, type Config } from '../../lib/config';
import type { Subgraph } from '../../lib/subgraph/createSubgraph';
import { createStandIns, listenStandIns } from '../../legacy/standIns';
import { createWorld } from '../../legacy/world';
import type { World } from '../../legacy/world/types';
import { SUBGRAPH_MODULES } from '../../subgraphs/registry';
import { GATEWAY_NODE_ARGS, startService, waitForLine, type RunningService } from '../../scripts/processes';
import { freePorts, serverName, startHaproxy, type RunningHaproxy } from '../../scripts/cluster/haproxy';

/**
 * Issue 15's topology for tests: HAProxy (a real child process, scripts/cluster/haproxy.ts) in
 * front of two gateway PROCESSES and two instances of each of the six subgraphs, with Redis and
 * PostgreSQL shared (a fresh schema and key prefix). The gateways are processes because they are
 * what the faults hit (SIGKILL, SIGTERM, their ledger cut); the subgraph instances run in this
 * test process (each with its own pool, Redis connection and caches) to keep twelve more node
 * processes off a 2-core machine; `npm run start:cluster` runs every part as a process.
 */

export interface ClusterOptions {
  /** overrides for every part, e.g. REDIS_URL of a private Redis, RATE_LIMIT_PER_MINUTE */
  env?: Record<string, string>;
  /** the gateways' own DATABASE_URL (e.g. through a TcpProxy to cut the ledger) */
  gatewayDatabaseUrl?(schemaUrl: string): string;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

export interface Cluster {
  env: Record<string, string>;
  config: Config;
  world: World;
  databaseUrl: string;
  /** the balancer's gateway frontend */
  balancerUrl: string;
  /** each gateway replica directly, by index */
  replicaUrls: string[];
  gateways: RunningService[];
  /** haproxy server names of the gateway replicas (the `x-served-by` header) */
  replicaNames: string[];
  pool: Pool;
  token(claims: DevTokenClaims): Promise<string>;
  /** POSTs a GraphQL request; rejects only when no HTTP answer came at all */
  query(url: string, query: string, options?: { token?: string; variables?: Record<string, unknown> }): Promise<Answer>;
  /** signals replica `i` and resolves with its exit code */
  signal(i: number, signal: NodeJS.Signals): Promise<number | null>;
  /** starts replica `i` again on its port (after it exited) and waits until it serves */
  restart(i: number): Promise<void>;
  /** waits until the balancer sends requests to every gateway replica again */
  waitBalanced(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const REPLICAS = 2;

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const undo: (() => Promise<unknown>)[] = [];
  try {
    return await start(options, undo);
  } catch (e) {
    // a start that failed half-way leaves no process or schema behind to keep jest waiting
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw e;
  }
}

async function start(options: ClusterOptions, undo: (() => Promise<unknown>)[]): Promise<Cluster> {
  const database = await createTestSchema();
  undo.push(() => database.drop());
  // one checkpoint directory for the one ledger database, shared by both replicas (each its own file)
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `cluster-${database.schema}-`));
  const baseEnv: Record<string, string> = {
    WORLD_SIZE: '10000',
    WORLD_SEED: '1',
    LEGACY_LATENCY_MS: '0',
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `test:${database.schema}:`,
    AUDIT_CHECKPOINT_DIR: path.join(workDir, 'audit-checkpoints'),
    ...options.env,
  };
  const world = createWorld(loadConfig(baseEnv).world);
  const standIns = createStandIns(world, loadConfig(baseEnv));
  const legacyUrls = await listenStandIns(standIns, { portBase: 0, ephemeral: true });
  undo.push(() => Promise.all(DEPARTMENTS.map((d) => standIns[d].close())));
  const legacyEnv = Object.fromEntries(DEPARTMENTS.map((d) => [`${d.toUpperCase()}_LEGACY_URL`, legacyUrls[d]]));

  // frontends (one per part) and the gateway replicas' fixed ports (a restarted replica takes its port back)
  const [gatewayFrontend, ...rest] = await freePorts(1 + SUBGRAPHS.length + REPLICAS);
  const subgraphFrontends = rest.slice(0, SUBGRAPHS.length);
  const gatewayPorts = rest.slice(SUBGRAPHS.length);
  const subgraphUrlEnv = Object.fromEntries(SUBGRAPHS.map((name, i) => [`${name.toUpperCase()}_SUBGRAPH_URL`, `http://127.0.0.1:${subgraphFrontends[i]}/graphql`]));
  const env = { ...baseEnv, ...legacyEnv, ...subgraphUrlEnv };
  const config = loadConfig(env);

  // Replica 0 of every part first: it migrates the schema, which two first starts would race on.
  const subgraphs: Subgraph[] = [];
  const subgraphPorts: number[][] = SUBGRAPHS.map(() => []);
  for (let r = 0; r < REPLICAS; r++) {
    for (const [i, m] of SUBGRAPH_MODULES.entries()) {
      const subgraph = m.create(loadConfig(env));
      subgraphs.push(subgraph);
      undo.push(() => subgraph.stop());
      const { url } = await subgraph.listen(0);
      subgraphPorts[i]!.push(Number(new URL(url).port));
    }
  }
  const haproxy: RunningHaproxy = await startHaproxy(
    {
      checkIntervalMs: 200,
      backends: [
        { name: 'gateway', frontendPort: gatewayFrontend!, serverPorts: gatewayPorts, healthPath: '/readyz' },
        ...SUBGRAPHS.map((name, i) => ({ name, frontendPort: subgraphFrontends[i]!, serverPorts: subgraphPorts[i]!, healthPath: '/healthz' })),
      ],
    },
    workDir,
  );
  undo.push(() => haproxy.stop());

  const gatewayEnv = { ...env, ...(options.gatewayDatabaseUrl ? { DATABASE_URL: options.gatewayDatabaseUrl(database.url) } : {}) };
  const gateways: RunningService[] = [];
  const startGateway = async (i: number) => {
    const service = startService(
      { name: `gateway${i + 1}`, entry: 'gateway/index.ts', nodeArgs: GATEWAY_NODE_ARGS, env: { ...gatewayEnv, PORT: String(gatewayPorts[i]) } },
      { quiet: !process.env.CLUSTER_DEBUG },
    );
    gateways[i] = service;
    undo.push(async () => (service.child.kill('SIGKILL'), service.exited));
    await waitForLine(service, /^gateway serving at /);
  };
  for (let i = 0; i < REPLICAS; i++) await startGateway(i);

  const balancerUrl = `http://127.0.0.1:${gatewayFrontend}/graphql`;
  const replicaNames = gatewayPorts.map((_, i) => serverName('gateway', i));
  const pool = new Pool({ connectionString: database.url, max: 2 });
  const jwt = config.jwt;
  if (jwt.kind !== 'secret') throw new Error('test clusters sign their own tokens');

  const query: Cluster['query'] = async (url, text, opts = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: text, variables: opts.variables }) });
    const raw = await res.text();
    let body: Answer['body'];
    try {
      body = JSON.parse(raw);
    } catch {
      body = { errors: [{ message: `non-JSON answer: ${raw.slice(0, 200)}` }] };
    }
    return { status: res.status, headers: res.headers, body };
  };

  const cluster: Cluster = {
    env: gatewayEnv,
    config,
    world,
    databaseUrl: database.url,
    balancerUrl,
    replicaUrls: gatewayPorts.map((p) => `http://127.0.0.1:${p}/graphql`),
    gateways,
    replicaNames,
    pool,
    token: (claims) => signDevToken(claims, jwt),
    query,
    async signal(i, signal) {
      gateways[i]!.child.kill(signal);
      return gateways[i]!.exited;
    },
    restart: (i) => startGateway(i),
    async waitBalanced(timeoutMs = 30_000) {
      // health checks every 200 ms; the balancer's own view is what counts, so ask through it
      const deadline = Date.now() + timeoutMs;
      const seen = new Set<string>();
      while (seen.size < REPLICAS) {
        if (Date.now() > deadline) throw new Error(`the balancer served only ${[...seen].join(', ')} within ${timeoutMs} ms`);
        const res = await fetch(balancerUrl.replace(/\/graphql$/, '/readyz')).catch(() => undefined);
        const by = res?.headers.get('x-served-by');
        if (res?.status === 200 && by) seen.add(by);
        else await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await Promise.all(gateways.map(async (g) => {
        if (g.child.exitCode === null && g.child.signalCode === null) g.child.kill('SIGKILL');
        await g.exited;
      }));
      await haproxy.stop();
      await Promise.all(subgraphs.map((s) => s.stop()));
      await Promise.all(DEPARTMENTS.map((d) => standIns[d].close()));
      await pool.end();
      await database.drop();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
  await cluster.waitBalanced();
  return cluster;
}
