import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDisableSuggestions } from '@apollo/server/plugin/disableSuggestions';
import { ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { parse } from 'graphql';
import { InternalTokenIssuer } from '../lib/auth/internalToken';
import { collectAccessPolicies } from '../lib/authz/accessPolicies';
import { createRedis } from '../lib/cache/redis';
import { ConfigError, type Config, type SubgraphName } from '../lib/config';
import { createPool } from '../lib/db/pool';
import { createGraphQLListener, listen, sendJson, type Listening, type RequestArrival } from '../lib/http/serveGraphQL';
import { maskError } from '../lib/subgraph/errors';
import type { GatewayContext } from './context';
import { SubgraphDataSource, keepAliveFetcher } from './SubgraphDataSource';
import { useAdmission } from './useAdmission';
import { useAudit, type Audit } from './useAudit';
import { useAuthentication } from './useAuthentication';
import { useInputValidation } from './useInputValidation';
import { withFieldAccess } from './useFieldAccess';
import { DEFAULT_QUERY_LIMITS, limitRefusal, useQueryLimits } from './useQueryLimits';
import { useRateLimit } from './useRateLimit';

export const SUPERGRAPH_FILE = path.join(__dirname, '..', 'schema', 'supergraph.graphql');

export interface GatewayOptions {
  config: Config;
  supergraphSdl?: string;
  /** extra Apollo plugins (tests, benchmarks) */
  plugins?: ApolloServerPlugin<GatewayContext>[];
}

export type GatewayPhase =
  | { phase: 'created' }
  | { phase: 'starting' }
  | { phase: 'serving'; listening: Listening }
  | { phase: 'stopping' }
  | { phase: 'stopped' };

export interface Gateway {
  readonly audit: Audit;
  listen(port: number, host?: string): Promise<Listening>;
  stop(): Promise<void>;
  readonly phase: GatewayPhase['phase'];
}

export function createGateway(options: GatewayOptions): Gateway {
  const { config } = options;
  if (!config.databaseUrl) {
    throw new ConfigError('DATABASE_URL', 'must be set for the gateway (audit ledger); npm start serves an embedded database');
  }
  // Short timeouts: an unreachable ledger must fail closed quickly, not hold responses.
  const pool = createPool(config.databaseUrl, { connectionTimeoutMillis: 1000, statement_timeout: 10_000, max: 8 });
  const audit: Audit = useAudit({ pool, ...config.audit });
  const redis = config.redisUrl ? createRedis(config.redisUrl, config.redisKeyPrefix) : null;
  const rateLimit = useRateLimit({ perMinute: config.rateLimitPerMinute, redis });
  const admission = useAdmission({ maxSubjectsInFlight: config.maxSubjectsInFlight, maxWaitMs: config.admissionWaitMs });
  const supergraphSdl = options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_FILE, 'utf8');
  const access = collectAccessPolicies(parse(supergraphSdl));
  // @apollo/gateway otherwise exports usage metrics to Apollo and probes cloud metadata servers
  // at construction: a credit gateway sends nothing anywhere but its own subgraphs.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const apolloGateway = new ApolloGateway({
    supergraphSdl,
    // The supergraph carries the SPEC §4 default URLs; the configured ones win, by subgraph name.
    buildService: ({ name }) =>
      new SubgraphDataSource({ url: config.subgraphUrls[name as SubgraphName] ?? '', fetcher: keepAliveFetcher }),
  });
  const gateway = withFieldAccess(apolloGateway, { access, commit: audit.commit });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => limitRefusal(formatted) ?? maskError(formatted, error),
    parseOptions: { maxTokens: DEFAULT_QUERY_LIMITS.maxTokens },
    plugins: [
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // bad input first, so a typo'd `first: 1000000000` is named as such rather than as a cost
      useInputValidation(),
      // then limits: the cheapest refusal of the most expensive requests
      useQueryLimits(),
      // a heap holds only so many subjects' answers at once
      admission.plugin,
      ...(config.production ? [ApolloServerPluginDisableSuggestions()] : []),
      ...(options.plugins ?? []),
    ],
  });
  const authenticator = useAuthentication(config.jwt);
  const internalTokens = new InternalTokenIssuer(config.internalTokenSecret);

  let state: GatewayPhase = { phase: 'created' };

  async function context(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, arrival: RequestArrival): Promise<GatewayContext> {
    const consumer = await authenticator.authenticate(req);
    await rateLimit.check(consumer);
    const requestId = randomUUID();
    // The id under which this response's audit entries are filed.
    res.setHeader('x-request-id', requestId);
    const internalToken = await internalTokens.tokenFor(consumer);
    return { requestId, receivedAt: arrival.receivedAt, consumer, internalToken, consentsUsed: new Map() };
  }

  return {
    audit,
    get phase() {
      return state.phase;
    },
    async listen(port, host) {
      if (state.phase !== 'created') throw new Error(`gateway cannot listen in phase ${state.phase}`);
      state = { phase: 'starting' };
      const listener = createGraphQLListener({
        apollo,
        context,
        maxBodyBytes: config.maxBodyBytes,
        routes: {
          'GET /healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
          'GET /readyz': (_req, res) =>
            state.phase === 'serving' ? sendJson(res, 200, { status: 'ready' }) : sendJson(res, 503, { status: state.phase }),
        },
      });
      await audit.start();
      await apollo.start();
      const listening = await listen(listener, port, host);
      state = { phase: 'serving', listening };
      return listening;
    },
    /**
     * Graceful: stops accepting, finishes the requests in flight (their audit entries committed
     * before each response, as always), then releases the ledger's pool.
     */
    async stop() {
      const previous = state;
      switch (previous.phase) {
        case 'serving':
          state = { phase: 'stopping' };
          await previous.listening.close();
          await apollo.stop();
          break;
        case 'starting':
          state = { phase: 'stopping' };
          await apollo.stop();
          break;
        case 'created':
          break;
        case 'stopping':
        case 'stopped':
          return;
      }
      state = { phase: 'stopped' };
      audit.stop();
      await pool.end();
      redis?.disconnect();
    },
  };
}
