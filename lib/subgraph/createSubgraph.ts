import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDisableSuggestions } from '@apollo/server/plugin/disableSuggestions';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Consumer } from '../auth/consumer';
import { INTERNAL_TOKEN_HEADER, InternalTokenError, verifyInternalToken } from '../auth/internalToken';
import type { SubgraphName } from '../config';
import { SCALARS } from '../graphql/scalars';
import { HttpError, createGraphQLListener, listen, sendJson, type Listening } from '../http/serveGraphQL';
import { maskError } from './errors';

/**
 * Builds one subgraph the same way for all six: federation schema + shared scalars, per-request
 * loaders, the internal-token check (SPEC §7), error masking, and its HTTP face.
 */

export interface RequestInfo {
  requestId: string;
  consumer: Consumer;
}

export interface SubgraphContext<TLoaders> extends RequestInfo {
  loaders: TLoaders;
}

export interface SubgraphOptions<TLoaders> {
  name: SubgraphName;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext<TLoaders>>;
  /** fresh per request: loaders are never shared between consumers */
  createLoaders(request: RequestInfo): TLoaders;
  /** verifies the gateway's internal token */
  internalTokenSecret: string;
  production: boolean;
  /** wraps the executable schema, e.g. with the authorization middleware */
  decorateSchema?(schema: GraphQLSchema): GraphQLSchema;
  /** releases what the subgraph holds (legacy client pools, stores) after the server stopped */
  onStop?(): Promise<void>;
}

export interface Subgraph {
  readonly name: SubgraphName;
  readonly schema: GraphQLSchema;
  listen(port: number, host?: string): Promise<Listening>;
  stop(): Promise<void>;
}

export function createSubgraph<TLoaders>(options: SubgraphOptions<TLoaders>): Subgraph {
  if (!options.internalTokenSecret) throw new Error(`subgraph ${options.name}: internalTokenSecret is required`);
  const built = buildSubgraphSchema({
    typeDefs: options.typeDefs,
    resolvers: { ...SCALARS, ...options.resolvers } as GraphQLResolverMap<unknown>,
  });
  const schema = options.decorateSchema ? options.decorateSchema(built) : built;

  const apollo = new ApolloServer<SubgraphContext<TLoaders>>({
    schema,
    introspection: !options.production,
    includeStacktraceInErrorResponses: false,
    formatError: maskError,
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...(options.production ? [ApolloServerPluginDisableSuggestions()] : [])],
  });

  async function context(req: http.IncomingMessage): Promise<SubgraphContext<TLoaders>> {
    const token = req.headers[INTERNAL_TOKEN_HEADER];
    if (typeof token !== 'string' || token === '') {
      throw new HttpError(401, 'UNAUTHENTICATED', 'this service only answers the gateway');
    }
    try {
      const claims = await verifyInternalToken(token, options.internalTokenSecret);
      return { ...claims, requestId: claims.requestId || randomUUID(), loaders: options.createLoaders(claims) };
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
      started ??= apollo.start();
      await started;
      const listener = createGraphQLListener({
        apollo,
        context,
        routes: {
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
    },
  };
}
