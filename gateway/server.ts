import fs from 'node:fs';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDisableSuggestions } from '@apollo/server/plugin/disableSuggestions';
import { ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { parse } from 'graphql';
import { collectAccessPolicies } from '../lib/authz/accessPolicies';
import { createRedis } from '../lib/cache/redis';
import { ConfigError, type Config, type SubgraphName } from '../lib/config';
import { createPool } from '../lib/db/pool';
import { UnreachableCaseError } from '../lib/errors';
import { createGraphQLListener, listen, sendJson, type Listening } from '../lib/http/serveGraphQL';
import { metricsRoute } from '../lib/observability/metricsRoute';
import { composePlugins } from './composePlugins';
import type { GatewayContext } from './context';
import { sendEarlyEntityFetches, useEarlyEntityFetches } from './earlyEntityFetches';
import type { GatewayPlugin } from './plugin';
import { SubgraphDataSource } from './SubgraphDataSource';
import { useAdmission } from './useAdmission';
import { useAudit, type Audit } from './useAudit';
import { useAuthentication } from './useAuthentication';
import { useConsentsUsed } from './useConsentsUsed';
import { useCreditCheckReads } from './useCreditCheckReads';
import { useFieldAccess } from './useFieldAccess';
import { useInputValidation } from './useInputValidation';
import { useInternalToken } from './useInternalToken';
import { useMetrics } from './useMetrics';
import { DEFAULT_QUERY_LIMITS, useQueryLimits } from './useQueryLimits';
import { useRateLimit } from './useRateLimit';
import { useRequestBudget } from './useRequestBudget';
import { useRequestId } from './useRequestId';
import { useTracing } from './useTracing';
import { webRoutes } from './webRoutes';

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
  const supergraphSdl = options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_FILE, 'utf8');
  const access = collectAccessPolicies(parse(supergraphSdl));

  // The gateway's concerns in the order they run; each kind of hook runs in this order (plugin.ts).
  const plugins: GatewayPlugin[] = [
    // before GraphQL (onRequest): who is asking (401), within their organization's budget (429);
    // only then an id and the request's clock; on every subgraph fetch, the internal token stating
    // the consumer (taken at the fetch: a long request outlives a token signed when it arrived)
    useAuthentication(config.jwt),
    useRateLimit({ perMinute: config.rateLimitPerMinute, redis }),
    useRequestId(),
    useInternalToken({ secret: config.internalTokenSecret }),
    useRequestBudget(),
    useConsentsUsed(),
    useCreditCheckReads(),
    // once the operation is known (onOperation, awaited one by one): bad input is named as such
    // before a limit refuses it (a typo'd `first: 1000000000` is BAD_USER_INPUT, not a cost),
    // limits refuse the most expensive requests before they take a place in admission's queue
    // the trace named by its operation, latency and errors counted per operation
    useTracing(),
    useMetrics(),
    useInputValidation(),
    useQueryLimits(),
    // a heap holds only so many subjects' answers at once
    useAdmission({ maxSubjectsInFlight: config.maxSubjectsInFlight, maxWaitMs: config.admissionWaitMs }),
    // the ledger (started before serving), then the executor: static refusal, the result walk,
    // and the commit of every field's outcome before the response is released
    audit,
    useFieldAccess({ access, commit: audit.commit }),
    // inside it: the result waits for the department fetches sent early that the executor left
    useEarlyEntityFetches(),
    ...(config.production ? [{ name: 'disableSuggestions', apollo: ApolloServerPluginDisableSuggestions() }] : []),
    ...(options.plugins ?? []).map((apollo, i) => ({ name: `extra${i}`, apollo })),
  ];
  const composed = composePlugins(plugins);

  // @apollo/gateway otherwise exports usage metrics to Apollo and probes cloud metadata servers
  // at construction: a credit gateway sends nothing anywhere but its own subgraphs.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const apolloGateway = new ApolloGateway({
    supergraphSdl,
    // The supergraph carries the SPEC §4 default URLs; the configured ones win, by subgraph name.
    buildService: ({ name }) =>
      new SubgraphDataSource({ name, url: config.subgraphUrls[name as SubgraphName] ?? '', hooks: composed.subgraph, liveness: config.subgraphProbe }),
    // the departments' fetches of a `subject(uscc:)` go out beside the platform's, not after it
    experimental_didResolveQueryPlan: sendEarlyEntityFetches,
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway: composed.wrapGateway(apolloGateway),
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    formatError: composed.formatError,
    parseOptions: { maxTokens: DEFAULT_QUERY_LIMITS.maxTokens },
    plugins: [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginSchemaReportingDisabled(), ...composed.apolloPlugins],
    // gateway/index.ts stops on SIGTERM/SIGINT itself (ledger, pools, then the last spans flushed);
    // Apollo's own handler (on outside NODE_ENV=test) re-raises the signal once Apollo has stopped,
    // which killed the process before the rest of that stop ran
    stopOnTerminationSignals: false,
  });

  let state: GatewayPhase = { phase: 'created' };

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
        context: composed.context,
        maxBodyBytes: config.maxBodyBytes,
        service: 'gateway',
        routes: {
          ...metricsRoute(config.metricsToken),
          'GET /healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
          'GET /readyz': (_req, res) =>
            state.phase === 'serving' ? sendJson(res, 200, { status: 'ready' }) : sendJson(res, 503, { status: state.phase }),
          // the explorer (development only) and the console: static pages calling POST /graphql
          ...webRoutes({ production: config.production, access }),
        },
      });
      await composed.start();
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
        default:
          throw new UnreachableCaseError(previous);
      }
      state = { phase: 'stopped' };
      await composed.stop();
      await pool.end();
      redis?.disconnect();
    },
  };
}
