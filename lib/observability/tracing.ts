import httpModule from 'node:http';
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ConfigError, exitOnConfigError } from '../config';

/**
 * OpenTelemetry across every hop: the official instrumentations make the HTTP spans and carry
 * the W3C `traceparent` — http for the servers (gateway, subgraphs, stand-ins), undici for the
 * clients (the gateway's subgraph fetches, the legacy client's pool). Our own spans cover only
 * our own phases (spans.ts: a legacy call with its department, the audit commit); the
 * gateway's plan / execute / fetch spans come from @apollo/gateway itself. Off unless
 * OTEL_EXPORTER_OTLP_ENDPOINT is set: then every tracer is the API's no-op and costs next to nothing.
 */

export interface Tracing {
  /** flushes what is buffered and removes every patch, so the process (or test file) is as before */
  shutdown(): Promise<void>;
}

/** Paths whose spans nobody wants: probes and scrapes every few seconds. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export interface RegisterTracingOptions {
  /** `service.name` of the spans: gateway, a subgraph's name, legacy */
  serviceName: string;
  /** where spans go: OTLP in a deployment, an in-memory exporter in tests */
  processor: SpanProcessor;
}

export function registerTracing(options: RegisterTracingOptions): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [options.processor],
  });
  // the global provider, W3C trace-context propagation, AsyncLocalStorage context
  provider.register();
  const http = new HttpInstrumentation({
    ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]),
    // every client here is undici (the undici instrumentation's spans)
    ignoreOutgoingRequestHook: () => true,
  });
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: [http, new UndiciInstrumentation()] });
  patchLoaded(http, 'http', httpModule);
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/**
 * The http instrumentation patches `http` when a require hook sees it loaded — but it is loaded
 * long before (every service imports it), and under jest no hook sees Node's own require at all.
 * So the instrumentation's own patch is applied to the loaded module here, and recorded where its
 * disable() finds it to undo; its guard keeps a later hooked require from patching twice.
 */
function patchLoaded(instrumentation: HttpInstrumentation, name: string, loaded: unknown): void {
  for (const definition of instrumentation.getModuleDefinitions()) {
    if (definition.name !== name || definition.moduleExports) continue;
    definition.moduleExports = loaded;
    definition.patch?.(loaded);
  }
}

/**
 * The OTLP/HTTP encoding, by the standard variables (the traces-specific one first): protobuf
 * unless `http/json` is asked for — the bench's phase breakdown (bench/scenarios/phases.ts)
 * receives JSON with nothing but node:http. gRPC is not installed: refused at start rather than
 * sending protobuf to a gRPC port that would drop every span.
 */
export function traceExporter(env: NodeJS.ProcessEnv = process.env): SpanExporter {
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = env[variable] || 'http/protobuf';
  switch (protocol) {
    case 'http/protobuf':
      return new OTLPProtobufTraceExporter();
    case 'http/json':
      return new OTLPJsonTraceExporter();
    default:
      throw new ConfigError(variable, `must be http/protobuf or http/json, got ${JSON.stringify(protocol)}`);
  }
}

/** For entry points: OTLP over HTTP to OTEL_EXPORTER_OTLP_ENDPOINT when set (traceExporter), else nothing. */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | null {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return null;
  return registerTracing({ serviceName, processor: new BatchSpanProcessor(exitOnConfigError(() => traceExporter(env))) });
}
