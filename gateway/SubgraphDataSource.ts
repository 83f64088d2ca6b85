import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { Agent, fetch as undiciFetch } from 'undici';
import { INTERNAL_TOKEN_HEADER } from '../lib/auth/internalToken';
import type { GatewayContext } from './context';

/** One keep-alive pool for all subgraph fetches of this process. */
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 128, pipelining: 1 });

export const keepAliveFetcher: Fetcher = ((url: string, init?: Record<string, unknown>) =>
  undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as Fetcher;

/** Adds the internal token stating the verified consumer to every subgraph fetch (SPEC §7). */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context.internalToken) request.http?.headers.set(INTERNAL_TOKEN_HEADER, context.internalToken);
  }
}
