import { trace, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { currentScope } from './requestScope';

/**
 * Our own spans, through the OpenTelemetry API alone: with no SDK registered (tracing off,
 * tracing.ts) every call here is the API's no-op. The SDK is loaded by entry points only.
 */

export const tracer = trace.getTracer('credit-graph');

/** Runs `work` in a span of our own (an error marks it failed and is rethrown). */
export function span<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (s) => {
    try {
      return await work(s);
    } catch (e) {
      s.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.name ?? 'error' });
      throw e;
    } finally {
      s.end();
    }
  });
}

/** The trace id of the active span, for log lines; undefined when tracing is off. */
export function activeTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

/**
 * A subgraph's request: its HTTP server span (the http instrumentation's) named after the
 * subgraph, and, once answered, how many legacy calls it made and cache hits it had.
 */
export async function inSubgraphSpan<T>(subgraph: string, requestId: string, run: () => Promise<T>): Promise<T> {
  const s = trace.getActiveSpan();
  if (!s?.isRecording()) return run();
  s.updateName(`subgraph ${subgraph}`);
  s.setAttributes({ 'credit.subgraph': subgraph, 'credit.request_id': requestId });
  try {
    return await run();
  } finally {
    const scope = currentScope();
    if (scope) s.setAttributes({ 'legacy.calls': scope.legacyCalls, 'cache.hits': scope.cacheHits, 'cache.misses': scope.cacheMisses });
  }
}
