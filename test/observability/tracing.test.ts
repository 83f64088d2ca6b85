import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DEPARTMENTS } from '../../lib/config';
import { registerTracing, type Tracing } from '../../lib/observability/tracing';
import { startStack, type Stack } from '../harness/stack';

/**
 * One profile query, traced across every hop of a real stack (gateway → subgraph → legacy call →
 * stand-in, each over HTTP) into an in-memory exporter: the official http and undici
 * instrumentations make the HTTP spans and carry `traceparent`, so the whole tree shares one
 * trace id. Everything runs in this process, so one exporter sees every service's spans.
 */

const SUBJECT = '91110101MAAL0CXK0M'; // the demo subject all five departments know (README "Try it")
const PROFILE = `query Profile($uscc: USCC!) { subject(uscc: $uscc) {
  registration { name } tax { arrears { amount } } judicial { enforcementCases { caseNumber } }
  customs { creditClass } finance { loanBalance } } }`;

let exporter: InMemorySpanExporter;
let tracing: Tracing;
let stack: Stack;
let token: string;

beforeAll(async () => {
  exporter = new InMemorySpanExporter();
  tracing = registerTracing({ serviceName: 'test-stack', processor: new SimpleSpanProcessor(exporter) });
  stack = await startStack();
  token = await stack.token({ role: 'government', org: 'tracing-test', purpose: 'financial-supervision' });
});
afterAll(async () => {
  await stack?.stop();
  await tracing?.shutdown();
});

/** The spans of the request whose server span is named `query Profile`, once that span has ended. */
async function profileTrace(): Promise<{ root: ReadableSpan; spans: ReadableSpan[] }> {
  // the gateway's server span ends as its response finishes, about when the client reads it
  for (let turn = 0; turn < 100; turn++) {
    const root = exporter.getFinishedSpans().find((s) => s.name === 'query Profile' && s.kind === SpanKind.SERVER);
    if (root) return { root, spans: exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === root.spanContext().traceId) };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no server span named "query Profile" among ${exporter.getFinishedSpans().map((s) => s.name).join(', ')}`);
}

const parentOf = (spans: ReadableSpan[], s: ReadableSpan) => spans.find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);
const childrenOf = (spans: ReadableSpan[], s: ReadableSpan) => spans.filter((c) => c.parentSpanContext?.spanId === s.spanContext().spanId);

/** `span`'s ancestors' span ids, nearest first */
function ancestry(spans: ReadableSpan[], span: ReadableSpan): ReadableSpan[] {
  const chain: ReadableSpan[] = [];
  for (let p = parentOf(spans, span); p; p = parentOf(spans, p)) chain.push(p);
  return chain;
}
const ids = (list: ReadableSpan[]) => list.map((s) => s.spanContext().spanId);
const id = (s: ReadableSpan) => s.spanContext().spanId;

describe('a traced profile query', () => {
  it('shows every department call under one trace id, as gateway → subgraph → legacy call → stand-in', async () => {
    await stack.resetLegacy();
    exporter.reset();
    const res = await stack.query(PROFILE, { token, variables: { uscc: SUBJECT } });
    expect(res.body.errors).toBeUndefined();
    const { root, spans } = await profileTrace();
    expect(root.attributes).toMatchObject({ 'graphql.operation.name': 'Profile', 'graphql.operation.type': 'query', 'credit.request_id': res.headers.get('x-request-id') });

    for (const d of DEPARTMENTS) {
      const legacy = spans.filter((s) => s.name === `legacy ${d}`);
      expect(legacy.length).toBeGreaterThanOrEqual(1);
      for (const call of legacy) {
        expect(call.attributes['credit.department']).toBe(d);
        // up: the department subgraph's server span (traceparent from the gateway's undici fetch),
        // the gateway's fetch from that subgraph, and the gateway's server span at the root
        const up = ancestry(spans, call);
        expect(up[0]).toMatchObject({ name: `subgraph ${d}`, kind: SpanKind.SERVER });
        expect(up[1].kind).toBe(SpanKind.CLIENT);
        expect(up[2]).toMatchObject({ name: 'gateway.fetch', attributes: { service: d } });
        expect(ids(up)).toContain(id(root));
        expect(up[0].attributes['legacy.calls']).toBeGreaterThanOrEqual(1);
        expect(up[0].attributes['cache.hits']).toBe(0);
        // down: the undici instrumentation's request to the stand-in, and the stand-in's server span
        const http = childrenOf(spans, call).filter((s) => s.kind === SpanKind.CLIENT);
        expect(http.length).toBeGreaterThanOrEqual(1);
        expect(childrenOf(spans, http[0]).map((s) => s.kind)).toEqual([SpanKind.SERVER]);
      }
    }
    // every span of the trace hangs from the root (above it only this test's own fetch, whose
    // traceparent the gateway continued): no hop started a trace of its own
    const above = ids(ancestry(spans, root));
    expect(above.length).toBeLessThanOrEqual(1);
    for (const s of spans) if (id(s) !== id(root) && !above.includes(id(s))) expect(ids(ancestry(spans, s))).toContain(id(root));
  });

  it('counts cache hits on the subgraph spans of a repeated query, which calls no department', async () => {
    exporter.reset();
    const res = await stack.query(PROFILE, { token, variables: { uscc: SUBJECT } });
    expect(res.body.errors).toBeUndefined();
    const { spans } = await profileTrace();
    expect(spans.filter((s) => s.name.startsWith('legacy '))).toEqual([]);
    for (const d of DEPARTMENTS) {
      const subgraph = spans.find((s) => s.name === `subgraph ${d}`)!;
      expect(subgraph.attributes).toMatchObject({ 'legacy.calls': 0, 'cache.misses': 0 });
      expect(subgraph.attributes['cache.hits']).toBeGreaterThanOrEqual(1);
    }
  });

  it('marks the audit commit of the request in the same trace', async () => {
    exporter.reset();
    await stack.query(PROFILE, { token, variables: { uscc: SUBJECT } });
    const { root, spans } = await profileTrace();
    const commit = spans.find((s) => s.name === 'audit commit');
    expect(commit).toBeDefined();
    expect(ids(ancestry(spans, commit!))).toContain(id(root));
    expect(commit!.attributes['audit.entries']).toBeGreaterThan(0);
  });
});
