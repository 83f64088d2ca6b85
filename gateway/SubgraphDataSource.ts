import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import { Agent, fetch as undiciFetch } from 'undici';
import type { ComposedPlugins } from './composePlugins';
import type { GatewayContext } from './context';
import { takeEarlyFetch } from './earlyEntityFetches';

/** One keep-alive pool for all subgraph fetches of this process. */
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 128, pipelining: 1 });

export const keepAliveFetcher: Fetcher = ((url: string, init?: Record<string, unknown>) =>
  undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as Fetcher;

export interface SubgraphDataSourceOptions {
  /** the subgraph's name in the supergraph */
  name: string;
  url: string;
  fetcher?: Fetcher;
  /** the plugins' onSubgraphRequest / onSubgraphResponse hooks (headers, reports read from answers) */
  hooks: ComposedPlugins['subgraph'];
}

/**
 * A subgraph fetch, with the gateway plugins' hooks around it: what each fetch carries (internal
 * token, request id, the request's age) and what is read from each answer belongs to the plugin
 * that owns that concern, not to this class.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly hooks: SubgraphDataSourceOptions['hooks'];
  private readonly name: string;

  constructor({ hooks, name, ...options }: SubgraphDataSourceOptions) {
    super(options);
    this.hooks = hooks;
    this.name = name;
  }

  /** a fetch already sent beside the platform's (earlyEntityFetches.ts) is answered by that request */
  override process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    return takeEarlyFetch(this.name, options) ?? super.process(options);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Apollo types the context of its own health checks as {}; the gateway never runs them
    this.hooks.request({ request, context: context as GatewayContext });
  }

  override didReceiveResponse({ response, context }: Required<Pick<GatewayGraphQLRequestContext<GatewayContext>, 'request' | 'response' | 'context'>>): GatewayGraphQLResponse {
    this.hooks.response({ response, context });
    return response;
  }
}
