import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { TEST_REDIS_URL, createTestSchema } from './database';
import { signDevToken, type DevTokenClaims } from '../../lib/auth/devToken';
import { DEPARTMENTS, SUBGRAPHS, loadConfig, type Config, type Department, type SubgraphName } from '../../lib/config';
import type { Listening } from '../../lib/http/serveGraphQL';
import type { Clock } from '../../lib/loop/calendar';
import type { Subgraph } from '../../lib/subgraph/createSubgraph';
import type { StandIn, StandInStats } from '../../legacy/common/StandIn';
import { createStandIns, listenStandIns } from '../../legacy/standIns';
import { createWorld } from '../../legacy/world';
import type { World } from '../../legacy/world/types';
import { createGateway, type Gateway } from '../../gateway/server';
import { SUBGRAPH_MODULES } from '../../subgraphs/registry';

/**
 * A whole stack in this test process, every hop over real HTTP on ephemeral ports: the five
 * stand-ins, the six subgraphs and the gateway. Test files each start their own, so they can run
 * in parallel without sharing stand-in stats or faults.
 */

export interface StackOptions {
  env?: Record<string, string>;
  /** the gateway's own database URL (e.g. through a TcpProxy to simulate a ledger outage) */
  gatewayDatabaseUrl?(schemaUrl: string): string;
  /** where the gateway reaches a subgraph (e.g. through a TcpProxy to hang or cut it); its own URL by default */
  gatewaySubgraphUrl?(name: SubgraphName, url: string): string | Promise<string>;
  /** the platform's clock for its workflows' deadlines (e.g. a filing on a given day) */
  clock?: Clock;
}

export interface GraphQLResult {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

export interface Stack {
  config: Config;
  /** the environment the stack's configuration was read from (for child processes) */
  env: Record<string, string>;
  gateway: Gateway;
  databaseUrl: string;
  world: World;
  standIns: Record<Department, StandIn>;
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  token(claims: DevTokenClaims): Promise<string>;
  query(query: string, options?: { variables?: Record<string, unknown>; token?: string; headers?: Record<string, string> }): Promise<GraphQLResult>;
  legacyStats(): Record<Department, StandInStats>;
  /** HTTP requests each subgraph has received since the stack started (e.g. to prove none was asked) */
  subgraphRequests(): Record<string, number>;
  /**
   * resets the stand-ins (stats, faults), closes every department's circuit with nothing counted
   * and empties the legacy-answer cache, so counts start cold and no test inherits an open circuit
   */
  resetLegacy(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const database = await createTestSchema();
  // The ledger's proof outside the database belongs to this stack's schema alone; the same
  // variables reach a gateway process and audit:verify through `env`.
  const checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), `audit-checkpoints-${database.schema}-`));
  const baseEnv: Record<string, string> = {
    WORLD_SIZE: '10000',
    WORLD_SEED: '1',
    LEGACY_LATENCY_MS: '0',
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `test:${database.schema}:`,
    AUDIT_CHECKPOINT_DIR: checkpointDir,
    ...options.env,
  };
  const preConfig = loadConfig(baseEnv);
  const world = createWorld(preConfig.world);
  const standIns = createStandIns(world, preConfig);
  const legacyUrls = await listenStandIns(standIns, { portBase: 0, ephemeral: true });
  const legacyEnv = Object.fromEntries(DEPARTMENTS.map((d) => [`${d.toUpperCase()}_LEGACY_URL`, legacyUrls[d]]));

  const subgraphConfig = loadConfig({ ...baseEnv, ...legacyEnv });
  const subgraphs: Subgraph[] = [];
  const subgraphListening: Listening[] = [];
  const subgraphUrls: Record<string, string> = {};
  const subgraphRequests: Record<string, number> = {};
  for (const m of SUBGRAPH_MODULES) {
    const subgraph = m.create(subgraphConfig, { clock: options.clock });
    subgraphs.push(subgraph);
    const listening = await subgraph.listen(0);
    subgraphRequests[m.name] = 0;
    listening.server.on('request', () => subgraphRequests[m.name]++);
    subgraphListening.push(listening);
    subgraphUrls[m.name] = `${listening.url}/graphql`;
  }
  // the platform asks a department's subgraph at request time (an objection's record): their
  // ephemeral ports are known only now
  Object.assign(subgraphConfig.subgraphUrls, subgraphUrls);
  const env = {
    ...baseEnv,
    ...legacyEnv,
    ...Object.fromEntries(Object.entries(subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_SUBGRAPH_URL`, url])),
  };
  const config = loadConfig(env);
  const flushLegacyCache = async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${baseEnv.REDIS_KEY_PREFIX}legacy:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  };
  const gatewaySubgraphUrl = options.gatewaySubgraphUrl;
  const gatewayConfig = {
    ...config,
    ...(options.gatewayDatabaseUrl ? { databaseUrl: options.gatewayDatabaseUrl(database.url) } : {}),
    ...(gatewaySubgraphUrl
      ? { subgraphUrls: Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (name) => [name, await gatewaySubgraphUrl(name, config.subgraphUrls[name])]))) as Config['subgraphUrls'] }
      : {}),
  };
  const gateway: Gateway = createGateway({ config: gatewayConfig });
  const { url } = await gateway.listen(0);
  const gatewayUrl = `${url}/graphql`;
  const jwt = config.jwt;
  if (jwt.kind !== 'secret') throw new Error('test stacks sign their own tokens');

  return {
    config,
    env,
    databaseUrl: database.url,
    gateway,
    world,
    standIns,
    gatewayUrl,
    subgraphUrls,
    token: (claims) => signDevToken(claims, jwt),
    async query(query, opts = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      const res = await fetch(gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables: opts.variables }) });
      const text = await res.text();
      let body: GraphQLResult['body'];
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`gateway answered HTTP ${res.status} with a non-JSON body: ${text.slice(0, 200)}`);
      }
      return { status: res.status, headers: res.headers, body };
    },
    subgraphRequests: () => ({ ...subgraphRequests }),
    legacyStats: () => Object.fromEntries(DEPARTMENTS.map((d) => [d, standIns[d].stats()])) as Record<Department, StandInStats>,
    async resetLegacy() {
      DEPARTMENTS.forEach((d) => standIns[d].reset());
      subgraphs.forEach((s) => s.resetCircuit?.());
      await flushLegacyCache();
    },
    async stop() {
      await gateway.stop();
      await Promise.all(subgraphs.map((s) => s.stop()));
      await Promise.all(DEPARTMENTS.map((d) => standIns[d].close()));
      await database.drop();
      fs.rmSync(checkpointDir, { recursive: true, force: true });
    },
  };
}
