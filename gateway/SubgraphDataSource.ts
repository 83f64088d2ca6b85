import { STATUS_CODES } from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { Agent, Headers } from 'undici';
import type { ComposedPlugins } from './composePlugins';
import type { GatewayContext } from './context';
import { takeEarlyFetch } from './earlyEntityFetches';

/** One keep-alive pool for all subgraph fetches of this process. */
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 128, pipelining: 1 });

/**
 * Subgraph fetches on undici's request API rather than its WHATWG fetch: the same POST over the
 * same keep-alive pool, without a Request, a Response and web streams per fetch — measured on
 * loopback, 80 µs of CPU a fetch instead of 370 µs, six or more fetches per profile. The answer
 * is the little of a Response that RemoteGraphQLDataSource reads: status, headers, the body once.
 * Unlike fetch it neither follows redirects nor decodes a compressed body: our subgraphs do
 * neither, and it sends no Accept-Encoding, so only a proxy compressing unasked would break it.
 */
export const subgraphFetcher: Fetcher = async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
  const target = new URL(url);
  const response = await agent.request({
    origin: target.origin,
    path: target.pathname + target.search,
    method: (init?.method ?? 'POST') as 'POST',
    headers: init?.headers as Record<string, string> | undefined,
    body: init?.body as string | undefined,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const text = response.body.text();
  // read by parseBody in every case; a body cut off is its error, not an unhandled rejection
  text.catch(() => undefined);
  const status = response.statusCode;
  const answer: FetcherResponse = {
    ok: status >= 200 && status <= 299,
    status,
    statusText: STATUS_CODES[status] ?? '',
    url,
    redirected: false,
    bodyUsed: false,
    headers,
    text: () => text,
    json: async () => JSON.parse(await text),
    arrayBuffer: async () => new TextEncoder().encode(await text).buffer as ArrayBuffer,
    clone: () => answer,
  };
  return answer;
};

export interface SubgraphDataSourceOptions {
  /** the subgraph's name in the supergraph */
  name: string;
  url: string;
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

  constructor({ hooks, name, url }: SubgraphDataSourceOptions) {
    super({ url, fetcher: subgraphFetcher });
    this.hooks = hooks;
    this.name = name;
  }

  /** a fetch already sent beside the platform's (earlyEntityFetches.ts) is answered by that request */
  override process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    return takeEarlyFetch(this.name, options) ?? super.process(options);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Apollo types the context of its own health checks as {}; the gateway never runs them
    return this.hooks.request({ request, context: context as GatewayContext });
  }

  override didReceiveResponse({ response, context }: Required<Pick<GatewayGraphQLRequestContext<GatewayContext>, 'request' | 'response' | 'context'>>): GatewayGraphQLResponse {
    this.hooks.response({ response, context });
    return response;
  }
}
