import type http from 'node:http';
import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import type { GatewayExecutor, GatewayGraphQLRequest, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLFormattedError } from 'graphql';
import type { RequestArrival } from '../lib/http/serveGraphQL';
import type { GatewayContext } from './context';

/**
 * One shape for every gateway concern, in the spirit of envelop / Hive Gateway plugins: a concern
 * is one file exporting `useX(options)`, which returns ONE object with the hooks it needs. The
 * server lists the plugins once (gateway/server.ts) and composePlugins wires each kind of hook
 * into its place. Every hook kind runs in list order:
 *
 * | hook               | runs                                                              | where it is wired               |
 * |--------------------|-------------------------------------------------------------------|---------------------------------|
 * | onStart / onStop   | once, before serving / after the last response                    | Gateway.listen / stop           |
 * | onRequest          | before GraphQL; adds to the context or refuses (HttpError: 401…)  | the HTTP listener's context     |
 * | onOperation        | once the operation is known, before execution; awaited one by one | ONE Apollo didResolveOperation  |
 * | onExecute          | wraps the executor (first listed = outermost)                     | ApolloGateway's executor        |
 * | onSubgraphRequest  | before each subgraph fetch (headers)                              | SubgraphDataSource              |
 * | onSubgraphResponse | after each subgraph fetch                                         | SubgraphDataSource              |
 * | onFormatError      | per error; the first non-null answer wins, else maskError         | Apollo formatError              |
 * | apollo             | a plain Apollo plugin, for what Apollo already ships              | Apollo plugins                  |
 *
 * onOperation is sequential on purpose: Apollo runs every plugin's didResolveOperation together,
 * so "input validation, then limits, then admission" would be a wish, not an order.
 */

export interface RequestStart {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  arrival: RequestArrival;
  /** what the plugins listed earlier have added */
  context: Partial<GatewayContext>;
}

export type OperationContext = GraphQLRequestContextDidResolveOperation<GatewayContext>;

export interface SubgraphRequest {
  request: GatewayGraphQLRequest;
  context: GatewayContext;
}

export interface SubgraphResponse {
  response: GatewayGraphQLResponse;
  context: GatewayContext;
}

export interface GatewayPlugin {
  name: string;
  onStart?(): Promise<void> | void;
  onStop?(): Promise<void> | void;
  onRequest?(start: RequestStart): Promise<Partial<GatewayContext> | void> | Partial<GatewayContext> | void;
  /** may return what to do when the response goes out (it runs even when a later plugin refuses) */
  onOperation?(operation: OperationContext): Promise<OperationDone | void>;
  onExecute?(executor: GatewayExecutor): GatewayExecutor;
  onSubgraphRequest?(fetch: SubgraphRequest): Promise<void> | void;
  onSubgraphResponse?(fetch: SubgraphResponse): void;
  onFormatError?(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError | null;
  apollo?: ApolloServerPlugin<GatewayContext>;
}

export type OperationDone = () => void;
