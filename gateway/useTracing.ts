import { trace } from '@opentelemetry/api';
import type { GatewayPlugin } from './plugin';

/**
 * Names the request's trace once its operation is known: the HTTP server span (made by the http
 * instrumentation, lib/observability/tracing.ts) becomes `query Profile`, carrying the request id
 * (the key of its audit entries) and the consumer's role and organization — never a token or a
 * subject's data. @apollo/gateway adds its own gateway.plan / gateway.execute / gateway.fetch
 * spans (`service` = the subgraph) beneath it, and the undici instrumentation sends `traceparent`
 * with every subgraph fetch. With tracing off the span is the API's no-op and nothing happens.
 */
export function useTracing(): GatewayPlugin {
  return {
    name: 'tracing',
    async onOperation({ operation, operationName, contextValue }) {
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return;
      const name = operationName ?? 'anonymous';
      const type = operation?.operation ?? 'query';
      span.updateName(`${type} ${name}`);
      span.setAttributes({
        'graphql.operation.type': type,
        'graphql.operation.name': name,
        'credit.request_id': contextValue.requestId,
        'credit.consumer.role': contextValue.consumer.role,
        'credit.consumer.org': contextValue.consumer.org,
      });
    },
  };
}
