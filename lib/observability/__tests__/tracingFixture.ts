import { trace } from '@opentelemetry/api';
import { startTracing } from '../tracing';

/**
 * Run by traceExporter.test.ts in a process of its own, as an entry point runs: startTracing from
 * the environment, one span named `probe`, shut down (which flushes it to the OTLP endpoint).
 * Its own process because the OTLP exporters load node:http by a dynamic import, which jest's
 * module system cannot run.
 */
const tracing = startTracing('tracing-fixture');
trace.getTracer('test').startSpan('probe').end();
void tracing?.shutdown();
