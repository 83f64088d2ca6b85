import { timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ErrorCode } from '../errors';
import { sendJson, type RouteHandler } from '../http/serveGraphQL';
import { metrics, operationLabel, registry } from './metrics';

/**
 * `GET /metrics` for an operator's scraper only: it presents METRICS_TOKEN as a bearer token. A
 * token rather than a second port bound to 127.0.0.1: the gateway and the subgraphs already own
 * the ports of SPEC §4, replicas run behind haproxy on other hosts, and Prometheus sends a bearer
 * token (`authorization` in its scrape config) over the port it already reaches. Without the
 * token the series (which departments fail, how often) are nobody's business: HTTP 401.
 */
export function metricsRoute(token: string | null): Record<string, RouteHandler> {
  if (token === null) return {};
  const expected = Buffer.from(`Bearer ${token}`);
  return {
    'GET /metrics': async (req, res) => {
      const given = Buffer.from(req.headers.authorization ?? '');
      // compared in constant time: the token is a secret
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        sendJson(res, 401, { errors: [{ message: 'metrics need the operator token', extensions: { code: 'UNAUTHENTICATED' satisfies ErrorCode } }] }, { 'www-authenticate': 'Bearer' });
        return;
      }
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
  };
}

/** Latency per operation and errors per code as the client receives them (after masking). */
export function metricsPlugin<TContext extends BaseContext>(service: string): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async willSendResponse({ response, operationName }) {
          metrics.operationDuration.observe({ service, operation: operationLabel(operationName) }, (performance.now() - startedAt) / 1000);
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            const code = error.extensions?.code;
            metrics.errors.inc({ service, code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' });
          }
        },
      };
    },
  };
}
