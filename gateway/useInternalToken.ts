import { INTERNAL_TOKEN_HEADER, InternalTokenIssuer } from '../lib/auth/internalToken';
import type { GatewayPlugin } from './plugin';

/**
 * The internal token (SPEC §7): signed once per request for the verified consumer, sent with every
 * subgraph fetch; subgraphs refuse any request without it. Listed after useAuthentication.
 */

export interface InternalTokenOptions {
  /** the secret the gateway and the subgraphs share (INTERNAL_TOKEN_SECRET) */
  secret: string;
}

export function useInternalToken(options: InternalTokenOptions): GatewayPlugin {
  const issuer = new InternalTokenIssuer(options.secret);
  return {
    name: 'internalToken',
    async onRequest({ context }) {
      if (!context.consumer) throw new Error('useInternalToken must be listed after useAuthentication');
      return { internalToken: await issuer.tokenFor(context.consumer) };
    },
    onSubgraphRequest({ request, context }) {
      request.http?.headers.set(INTERNAL_TOKEN_HEADER, context.internalToken);
    },
  };
}
