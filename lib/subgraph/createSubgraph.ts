import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDisableSuggestions } from '@apollo/server/plugin/disableSuggestions';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import DataLoader from 'dataloader';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import type { Consumer } from '../auth/consumer';
import { INTERNAL_TOKEN_HEADER, InternalTokenError, REQUEST_ID_HEADER, verifyInternalToken } from '../auth/internalToken';
import { collectAccessPolicies } from '../authz/accessPolicies';
import { applyAuthorization, type AuthorizationContext } from '../authz/subgraphShield';
import { MemoryLegacyCache, RedisLegacyCache, type LegacyCache } from '../cache/LegacyCache';
import { createRedis } from '../cache/redis';
import { ConfigError, type Config, type SubgraphName } from '../config';
import { ConsentStore } from '../consent/ConsentStore';
import { createPool } from '../db/pool';
import { REQUEST_AGE_HEADER, requestWaitedMs, withRequestClock, type RequestClock } from '../legacy/requestBudget';
import { SCALARS } from '../graphql/scalars';
import { HttpError, createGraphQLListener, listen, sendJson, type Listening, type RequestArrival } from '../http/serveGraphQL';
import { metricsPlugin, metricsRoute } from '../observability/metricsRoute';
import { setScopeRequestId } from '../observability/requestScope';
import { inSubgraphSpan } from '../observability/spans';
import { maskError } from './errors';

/**
 * Builds one subgraph the same way for all six: federation schema + shared scalars, per-request
 * loaders, the internal-token check (SPEC §7), error masking, and its HTTP face.
 */

/** Response extension through which a subgraph reports the consents it relied on. */
export const CONSENTS_USED_EXTENSION = 'consentsUsed';

export interface RequestInfo {
  requestId: string;
  consumer: Consumer;
}

export interface SubgraphContext<TLoaders> extends RequestInfo, AuthorizationContext {
  /**
   * for a fetch about one subject — what a consumer waits for — how long the request waited
   * before it reached this subgraph: its legacy deadlines count it (requestBudget.ts); none for a
   * fetch about many subjects, a batch job whose batches each get their time from when asked
   */
  clock: RequestClock | undefined;
  loaders: TLoaders;
  consentStore: ConsentStore;
  pool: Pool;
}

/** What a subgraph holds for its whole life: database pool, Redis, consent store. */
export interface SubgraphResources {
  pool: Pool;
  redis: Redis | null;
  consentStore: ConsentStore;
  /** legacy answers: Redis when configured (shared by replicas), else in-process */
  legacyCache: LegacyCache;
}

export interface SubgraphOptions<TLoaders> {
  name: SubgraphName;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext<TLoaders>>;
  /** fresh per request: loaders are never shared between consumers (the cache holds data only) */
  createLoaders(request: RequestInfo, resources: SubgraphResources): TLoaders;
  config: Config;
  /** runs once before listening, e.g. the owner's migrations */
  onStart?(resources: SubgraphResources): Promise<void>;
  /** releases what the subgraph holds (legacy client pools, stores) after the server stopped */
  onStop?(): Promise<void>;
  /** largest request body read (default 256 KiB); the platform's credit checks receive the departments' sections */
  maxBodyBytes?: number;
  /** response extensions the subgraph reports to the gateway (the platform: the credit checks' reads, for the ledger) */
  responseExtensions?(loaders: TLoaders): Record<string, unknown> | undefined;
}

export interface Subgraph {
  readonly name: SubgraphName;
  readonly schema: GraphQLSchema;
  listen(port: number, host?: string): Promise<Listening>;
  stop(): Promise<void>;
  /** a department's: closes its legacy system's circuit with nothing counted */
  resetCircuit?(): void;
}

/** subjects a gateway fetch is about: its `_entities` representations (a root field: one) */
function subjectsAsked(body: Record<string, unknown>): number {
  const representations = (body.variables as { representations?: unknown } | undefined)?.representations;
  return Array.isArray(representations) ? representations.length : 1;
}

export function createSubgraph<TLoaders>(options: SubgraphOptions<TLoaders>): Subgraph {
  const { config } = options;
  if (!config.databaseUrl) {
    throw new ConfigError('DATABASE_URL', `must be set for subgraph ${options.name} (consents); npm start serves an embedded database`);
  }
  const built = buildSubgraphSchema({
    typeDefs: options.typeDefs,
    resolvers: { ...SCALARS, ...options.resolvers } as GraphQLResolverMap<unknown>,
  });
  const schema = applyAuthorization(built, collectAccessPolicies(options.typeDefs));
  const pool = createPool(config.databaseUrl, {}, { retryConnectTimeout: true });
  const redis = config.redisUrl ? createRedis(config.redisUrl, config.redisKeyPrefix) : null;
  const consentStore = new ConsentStore(pool, redis);
  const legacyCache: LegacyCache = redis ? new RedisLegacyCache(redis) : new MemoryLegacyCache();
  const resources: SubgraphResources = { pool, redis, consentStore, legacyCache };

  const apollo = new ApolloServer<SubgraphContext<TLoaders>>({
    schema,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    formatError: maskError,
    // runSubgraph stops on SIGTERM/SIGINT itself (pools, then the last spans flushed); Apollo's own
    // handler (on outside NODE_ENV=test) re-raises the signal once Apollo has stopped, which killed
    // the process before the rest of that stop ran
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ...(config.production ? [ApolloServerPluginDisableSuggestions()] : []),
      metricsPlugin<SubgraphContext<TLoaders>>(options.name),
      {
        // Tells the gateway which consent allowed which subject's FINANCING fields (audit ledger).
        async requestDidStart() {
          return {
            async willSendResponse({ response, contextValue }) {
              if (response.body.kind !== 'single') return;
              const own = contextValue.loaders && options.responseExtensions?.(contextValue.loaders);
              if (contextValue.consentsUsed.size === 0 && !own) return;
              response.body.singleResult.extensions = {
                ...response.body.singleResult.extensions,
                ...own,
                ...(contextValue.consentsUsed.size > 0 ? { [CONSENTS_USED_EXTENSION]: Object.fromEntries(contextValue.consentsUsed) } : {}),
              };
            },
          };
        },
      },
    ],
  });

  const verified = new Map<string, { consumer: Consumer; requestId?: string; expiresAtMs: number }>();

  async function context(req: http.IncomingMessage, _res: http.ServerResponse, arrival: RequestArrival): Promise<SubgraphContext<TLoaders>> {
    const token = req.headers[INTERNAL_TOKEN_HEADER];
    if (typeof token !== 'string' || token === '') {
      throw new HttpError(401, 'UNAUTHENTICATED', 'this service only answers the gateway');
    }
    try {
      // The gateway reuses a consumer's token for half a minute: verify each once.
      let claims = verified.get(token);
      if (!claims || claims.expiresAtMs <= Date.now()) {
        const fresh = await verifyInternalToken(token, config.internalTokenSecret);
        claims = { consumer: fresh.consumer, requestId: fresh.requestId, expiresAtMs: fresh.expiresAtMs };
        if (verified.size >= 10_000) verified.delete(verified.keys().next().value!);
        verified.set(token, claims);
      }
      const { consumer } = claims;
      const requestId = (typeof req.headers[REQUEST_ID_HEADER] === 'string' ? (req.headers[REQUEST_ID_HEADER] as string).slice(0, 64) : claims.requestId) || randomUUID();
      setScopeRequestId(requestId);
      // One batched look-up per request for all the subjects a bank's FINANCING fields touch, by
      // the token's own purpose: a consent for another purpose must not answer (lib/authz/decide).
      const consents = new DataLoader<string, string | null>(async (subjects) => {
        const purpose = consumer.purpose;
        if (consumer.role !== 'bank' || purpose === null) return subjects.map(() => null);
        const active = await consentStore.activeConsents(consumer.org, purpose, subjects);
        return subjects.map((s) => active.get(s) ?? null);
      });
      return {
        consumer,
        requestId,
        clock: subjectsAsked(arrival.body) <= 1 ? { waitedMs: requestWaitedMs(req.headers[REQUEST_AGE_HEADER]), reserveMs: config.responseReserveMs } : undefined,
        consents,
        consentsUsed: new Map(),
        consentStore,
        pool,
        loaders: options.createLoaders({ consumer, requestId }, resources),
      };
    } catch (e) {
      if (e instanceof InternalTokenError) throw new HttpError(401, 'UNAUTHENTICATED', 'this service only answers the gateway');
      throw e;
    }
  }

  let started: Promise<void> | undefined;
  let listening: Listening | undefined;
  return {
    name: options.name,
    schema,
    async listen(port, host) {
      started ??= (async () => {
        await options.onStart?.(resources);
        await apollo.start();
      })();
      await started;
      const listener = createGraphQLListener({
        apollo,
        context,
        execute: (ctx, run) => inSubgraphSpan(options.name, ctx.requestId, () => (ctx.clock ? withRequestClock(ctx.clock, run) : run())),
        maxBodyBytes: options.maxBodyBytes,
        service: options.name,
        routes: {
          ...metricsRoute(config.metricsToken),
          'GET /healthz': (_req, res) => sendJson(res, 200, { status: 'ok', subgraph: options.name }),
        },
      });
      listening = await listen(listener, port, host);
      return listening;
    },
    async stop() {
      await listening?.close();
      if (started) await apollo.stop();
      await options.onStop?.();
      await pool.end();
      redis?.disconnect();
    },
  };
}
