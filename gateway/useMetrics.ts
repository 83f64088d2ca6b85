import { metricsPlugin } from '../lib/observability/metricsRoute';
import type { GatewayContext } from './context';
import type { GatewayPlugin } from './plugin';

/**
 * The gateway's request latency per operation and its errors per code as clients receive them
 * (after masking). The other series are counted where they happen — the rate limit, admission,
 * the ledger, the HTTP face — into the process's one registry (lib/observability/metrics.ts),
 * served on `GET /metrics` with the operator token (gateway/server.ts).
 */
export function useMetrics(): GatewayPlugin {
  return { name: 'metrics', apollo: metricsPlugin<GatewayContext>('gateway') };
}
