import { randomUUID } from 'node:crypto';
import { REQUEST_ID_HEADER } from '../lib/auth/internalToken';
import { setScopeRequestId } from '../lib/observability/requestScope';
import type { GatewayPlugin } from './plugin';

/**
 * The request id, whole: made when the request arrives, returned to the client as `x-request-id`
 * (the id its audit entries are filed under, SPEC §8) and sent with every subgraph fetch so the
 * subgraphs' logs and consent checks name the same request.
 */

export interface RequestIdOptions {
  /** makes a fresh id (tests fix it) */
  generate?: () => string;
}

export const RESPONSE_REQUEST_ID_HEADER = 'x-request-id';

export function useRequestId(options: RequestIdOptions = {}): GatewayPlugin {
  const generate = options.generate ?? randomUUID;
  return {
    name: 'requestId',
    onRequest({ res }) {
      const requestId = generate();
      res.setHeader(RESPONSE_REQUEST_ID_HEADER, requestId);
      // every log line of this request names it (lib/log.ts)
      setScopeRequestId(requestId);
      return { requestId };
    },
    onSubgraphRequest({ request, context }) {
      request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    },
  };
}
