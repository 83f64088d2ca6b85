import { INTERNAL_TOKEN_HEADER, InternalTokenIssuer } from '../lib/auth/internalToken';
import type { GatewayPlugin } from './plugin';

/**
 * The internal token (SPEC §7), stating the verified consumer, on every subgraph fetch; subgraphs
 * refuse any request without it. Taken at each fetch, not once per request: a large request can
 * wait its turn in admission and run longer than a token lives (60 s), and its later fetches
 * would be refused as expired. The issuer keeps one token per consumer and signs a new one when
 * half its life is gone, so a fetch always carries one valid for half a minute at least.
 */

export interface InternalTokenOptions {
  /** the secret the gateway and the subgraphs share (INTERNAL_TOKEN_SECRET) */
  secret: string;
}

export function useInternalToken(options: InternalTokenOptions): GatewayPlugin {
  const issuer = new InternalTokenIssuer(options.secret);
  return {
    name: 'internalToken',
    async onSubgraphRequest({ request, context }) {
      request.http?.headers.set(INTERNAL_TOKEN_HEADER, await issuer.tokenFor(context.consumer));
    },
  };
}
