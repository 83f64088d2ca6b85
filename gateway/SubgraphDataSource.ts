import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import { Agent, fetch as undiciFetch } from 'undici';
import { INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER } from '../lib/auth/internalToken';
import { REQUEST_AGE_HEADER } from '../lib/legacy/requestBudget';
import { CONSENTS_USED_EXTENSION } from '../lib/subgraph/createSubgraph';
import type { GatewayContext } from './context';

/** One keep-alive pool for all subgraph fetches of this process. */
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 128, pipelining: 1 });

export const keepAliveFetcher: Fetcher = ((url: string, init?: Record<string, unknown>) =>
  undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as Fetcher;

/**
 * Adds to every subgraph fetch the internal token stating the verified consumer (SPEC §7), the
 * request id its audit entries are filed under, and how long the gateway has held the request:
 * the subgraph counts its department's deadline from the consumer's request, not from this fetch.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context.internalToken) request.http?.headers.set(INTERNAL_TOKEN_HEADER, context.internalToken);
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.receivedAt !== undefined) request.http?.headers.set(REQUEST_AGE_HEADER, String(Math.max(0, Date.now() - context.receivedAt)));
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
