import http from 'node:http';

/**
 * The phases scenario's collector: a node:http server taking OTLP/HTTP JSON at POST /v1/traces
 * (every traced process exports with OTEL_EXPORTER_OTLP_PROTOCOL=http/json) and keeping each
 * span, flattened, by trace id. Nothing else is stored or answered.
 */

/** One span as the breakdown reads it: times in ms since the epoch (each process's own clock). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP's SpanKind: 2 server, 3 client */
  kind: number;
  /** `service.name` of the process that made it: gateway, a subgraph's name, legacy */
  service: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean>;
}

export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CLIENT = 3;

export interface OtlpReceiver {
  readonly url: string;
  /** the spans received so far for one trace */
  spansOf(traceId: string): ReceivedSpan[];
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpAttribute[];
}
interface OtlpExport {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const valueOf = (v: OtlpValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue ?? '';
const attributesOf = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));
/** nanoseconds since the epoch (a decimal string in OTLP JSON) to ms, to the microsecond */
const msOf = (nanos: string | number) => Number(BigInt(nanos) / 1000n) / 1000;

function flattenExport(body: OtlpExport): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((r) => {
    const service = String(attributesOf(r.resource?.attributes)['service.name'] ?? 'unknown');
    return (r.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId || undefined,
        name: s.name,
        kind: s.kind,
        service,
        startMs: msOf(s.startTimeUnixNano),
        endMs: msOf(s.endTimeUnixNano),
        attributes: attributesOf(s.attributes),
      })),
    );
  });
}

export async function startOtlpReceiver(port: number): Promise<OtlpReceiver> {
  const byTrace = new Map<string, ReceivedSpan[]>();
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        for (const span of flattenExport(JSON.parse(Buffer.concat(chunks).toString()))) {
          const list = byTrace.get(span.traceId) ?? [];
          list.push(span);
          byTrace.set(span.traceId, list);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"not OTLP JSON"}');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    spansOf: (traceId) => byTrace.get(traceId) ?? [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
