import { REQUEST_AGE_HEADER } from '../lib/legacy/requestBudget';
import type { GatewayPlugin } from './plugin';

/**
 * The request's time budget: when it reached the gateway, and, on every subgraph fetch, how long
 * the gateway has held it — the subgraph counts its department's deadline from the consumer's
 * request, not from this fetch (lib/legacy/requestBudget.ts), so a later step of the query plan is
 * charged the steps before it.
 */

export function useRequestBudget(): GatewayPlugin {
  return {
    name: 'requestBudget',
    onRequest({ arrival }) {
      return { receivedAt: arrival.receivedAt };
    },
    onSubgraphRequest({ request, context }) {
      request.http?.headers.set(REQUEST_AGE_HEADER, String(Math.max(0, Date.now() - context.receivedAt)));
    },
  };
}
