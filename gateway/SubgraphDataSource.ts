import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import { Agent, fetch as undiciFetch } from 'undici';
import { INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER } from '../lib/auth/internalToken';
import { CONSENTS_USED_EXTENSION } from '../lib/subgraph/createSubgraph';
import type { GatewayContext } from './context';

/** One keep-alive pool for all subgraph fetches of this process. */
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 128, pipelining: 1 });

export const keepAliveFetcher: Fetcher = ((url: string, init?: Record<string, unknown>) =>
  undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as Fetcher;

/** Adds the internal token stating the verified consumer to every subgraph fetch (SPEC §7). */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context.internalToken) request.http?.headers.set(INTERNAL_TOKEN_HEADER, context.internalToken);
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }

  override didReceiveResponse({ response, context }: Required<Pick<GatewayGraphQLRequestContext<GatewayContext>, 'request' | 'response' | 'context'>>): GatewayGraphQLResponse {
    const used = response.extensions?.[CONSENTS_USED_EXTENSION];
    if (used && typeof used === 'object') {
      for (const [subject, consentId] of Object.entries(used as Record<string, unknown>)) {
        if (typeof consentId === 'string') context.consentsUsed.set(subject, consentId);
      }
      delete response.extensions![CONSENTS_USED_EXTENSION];
    }
    return response;
  }
}
