import type http from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import type { GraphQLFormattedError } from 'graphql';
import type { RequestArrival } from '../lib/http/serveGraphQL';
import { maskError } from '../lib/subgraph/errors';
import type { GatewayContext } from './context';
import type { GatewayPlugin, OperationDone, SubgraphRequest, SubgraphResponse } from './plugin';

/** Wires each hook kind of the listed plugins into its place (the table in plugin.ts), in list order. */

export interface ComposedPlugins {
  start(): Promise<void>;
  /** in reverse order: what started last stops first */
  stop(): Promise<void>;
  /** the HTTP listener's context factory: every onRequest in turn */
  context(req: http.IncomingMessage, res: http.ServerResponse, arrival: RequestArrival): Promise<GatewayContext>;
  /** ONE Apollo plugin running every onOperation in turn, then the plugins' own Apollo plugins */
  apolloPlugins: ApolloServerPlugin<GatewayContext>[];
  /** ApolloGateway with its executor wrapped by every onExecute (first listed outermost) */
  wrapGateway(inner: GatewayInterface): GatewayInterface;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** SubgraphDataSource's hooks */
  subgraph: { request(fetch: SubgraphRequest): Promise<void>; response(fetch: SubgraphResponse): void };
}

/** What the context must hold once every onRequest ran: a plugin left out is a startup bug, named. */
const CONTEXT_KEYS: readonly (keyof GatewayContext)[] = ['requestId', 'receivedAt', 'consumer', 'consentsUsed', 'creditCheckReads'];

export function composePlugins(plugins: readonly GatewayPlugin[]): ComposedPlugins {
  const names = new Set<string>();
  for (const p of plugins) {
    if (names.has(p.name)) throw new Error(`composePlugins: plugin ${p.name} is listed twice`);
    names.add(p.name);
  }
  const operationPlugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      const onResponse: OperationDone[] = [];
      return {
        async didResolveOperation(operation) {
          for (const p of plugins) {
            if (!p.onOperation) continue;
            const done = await p.onOperation(operation);
            if (done) onResponse.push(done);
          }
        },
        async willSendResponse() {
          for (const done of onResponse.splice(0)) done();
        },
      };
    },
  };

  return {
    async start() {
      for (const p of plugins) await p.onStart?.();
    },
    async stop() {
      for (const p of [...plugins].reverse()) await p.onStop?.();
    },
    async context(req, res, arrival) {
      const context: Partial<GatewayContext> = {};
      for (const p of plugins) {
        const added = await p.onRequest?.({ req, res, arrival, context });
        if (added) Object.assign(context, added);
      }
      const missing = CONTEXT_KEYS.filter((key) => context[key] === undefined);
      if (missing.length > 0) throw new Error(`gateway plugins left ${missing.join(', ')} out of the request context`);
      return context as GatewayContext;
    },
    apolloPlugins: [operationPlugin, ...plugins.flatMap((p) => (p.apollo ? [p.apollo] : []))],
    wrapGateway(inner) {
      const wrap = (executor: GatewayExecutor) => plugins.reduceRight((next, p) => p.onExecute?.(next) ?? next, executor);
      return {
        onSchemaLoadOrUpdate: (cb) => inner.onSchemaLoadOrUpdate(cb),
        async load(options) {
          const loaded = await inner.load(options);
          return { ...loaded, executor: loaded.executor ? wrap(loaded.executor) : null };
        },
        stop: () => inner.stop(),
      };
    },
    formatError(formatted, error) {
      for (const p of plugins) {
        const answer = p.onFormatError?.(formatted, error);
        if (answer) return answer;
      }
      return maskError(formatted, error);
    },
    subgraph: {
      async request(fetch) {
        for (const p of plugins) await p.onSubgraphRequest?.(fetch);
      },
      response(fetch) {
        for (const p of plugins) p.onSubgraphResponse?.(fetch);
      },
    },
  };
}
