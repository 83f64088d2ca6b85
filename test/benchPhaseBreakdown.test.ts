import { breakDown, PHASES, type Phases } from '../bench/lib/phaseBreakdown';
import { SPAN_KIND_CLIENT, SPAN_KIND_SERVER, type ReceivedSpan } from '../bench/lib/otlpReceiver';

/**
 * The bench's per-phase breakdown (bench/lib/phaseBreakdown.ts) over traces written out span by
 * span, shaped as the traced stack exports them (gateway → subgraph → legacy call → stand-in):
 * the phases follow the critical path and add up to the client's time.
 */

const INTERNAL = 1;
let nextId = 0;

/** a span of `service` from `startMs` to `endMs` under `parent` */
function span(service: string, name: string, kind: number, startMs: number, endMs: number, parent?: ReceivedSpan): ReceivedSpan {
  return { traceId: 't', spanId: `s${++nextId}`, parentSpanId: parent?.spanId ?? 'bench', name, kind, service, startMs, endMs, attributes: {} };
}

/** a legacy call of `subgraph` with the stand-in's server span inside it */
function legacyCall(server: ReceivedSpan, startMs: number, endMs: number, standIn: [number, number]): ReceivedSpan[] {
  const call = span(server.service, `legacy ${server.service}`, INTERNAL, startMs, endMs, server);
  const http = span(server.service, 'POST', SPAN_KIND_CLIENT, startMs, endMs, call);
  return [call, http, span('legacy', 'POST', SPAN_KIND_SERVER, standIn[0], standIn[1], http)];
}

/** the gateway's side of a request: server span [0, 100], the fetches ending at 89, audit 92-97 */
function gatewaySpans(): { root: ReceivedSpan; request: ReceivedSpan; spans: ReceivedSpan[] } {
  const root = span('gateway', 'query BenchProfile', SPAN_KIND_SERVER, 0, 100);
  const request = span('gateway', 'gateway.request', INTERNAL, 4, 90, root);
  const execute = span('gateway', 'gateway.execute', INTERNAL, 5, 90, request);
  return {
    root,
    request,
    spans: [root, request, execute, span('gateway', 'gateway.postprocessing', INTERNAL, 89, 90, execute), span('gateway', 'audit commit', INTERNAL, 92, 97, root)],
  };
}

/** a fetch from the gateway to `subgraph` and the subgraph's server span (started 1 ms after, ended 1 ms before) */
function fetchTo(subgraph: string, parent: ReceivedSpan, startMs: number, endMs: number): { client: ReceivedSpan; server: ReceivedSpan } {
  const client = span('gateway', 'POST', SPAN_KIND_CLIENT, startMs, endMs, parent);
  return { client, server: span(subgraph, `subgraph ${subgraph}`, SPAN_KIND_SERVER, startMs + 1, endMs - 1, client) };
}

const total = (p: Phases) => PHASES.reduce((a, { id }) => a + p[id], 0);

describe('the per-phase breakdown of a traced request', () => {
  it('follows the fetch that ended last and counts a department\'s dependent legacy calls one after the other', () => {
    const g = gatewaySpans();
    const platform = fetchTo('platform', g.request, 6, 20);
    const court = fetchTo('court', g.request, 6, 80);
    // customs: the mapping, then the credit CSV once the mapping answered
    const customs = fetchTo('customs', g.request, 6, 88);
    const spans = [
      ...g.spans,
      ...[platform, court, customs].flatMap((f) => [f.client, f.server]),
      ...legacyCall(court.server, 10, 60, [12, 58]),
      ...legacyCall(customs.server, 9, 50, [10, 50]),
      ...legacyCall(customs.server, 51, 84, [52, 82]),
    ];
    const { phases, fetches } = breakDown(spans, 103);
    expect(fetches.filter((f) => f.critical).map((f) => f.subgraph)).toEqual(['customs']);
    expect(phases).toEqual({
      gatewayBefore: 5, // 0 → the first fetch, execute's start at 5
      plan: 0,
      platformHop: 0, // sent beside the departments: off the critical path
      gatewayExecutor: 2, // 5 → 89 less customs' 82 ms
      subgraphHttp: 2, // customs' fetch 82 ms, its server span 80
      subgraphBefore: 2, // its server span 7 → 87: 7 → the mapping's start at 9
      subgraphAfter: 4, // 80 less its two calls (41 + 33) and the 2 before them
      legacyClient: 4, // 74 less the stand-in's 40 + 30
      legacyStandIn: 70,
      audit: 5,
      gatewayAfter: 6, // 89 → 100 less the audit commit
      unattributed: 3, // the client's 103 less the server span's 100
    });
    expect(total(phases)).toBe(103);
  });

  it('counts parallel legacy calls once: the one that ended last', () => {
    const g = gatewaySpans();
    const court = fetchTo('court', g.request, 6, 88);
    const spans = [
      ...g.spans,
      court.client,
      court.server,
      ...legacyCall(court.server, 10, 80, [11, 75]),
      ...legacyCall(court.server, 10, 84, [12, 82]),
      ...legacyCall(court.server, 11, 70, [12, 69]),
    ];
    const { phases } = breakDown(spans, 101);
    expect(phases.legacyStandIn).toBe(70);
    expect(phases.legacyClient).toBe(4);
    // its server span 7 → 87, the call 10 → 84
    expect(phases.subgraphBefore).toBe(3);
    expect(phases.subgraphAfter).toBe(80 - 74 - 3);
    expect(total(phases)).toBe(101);
  });

  it('puts the platform hop on the path when a department fetch waited for its answer, and the plan when it was made', () => {
    const g = gatewaySpans();
    const plan = span('gateway', 'gateway.plan', INTERNAL, 2, 4, g.request);
    const platform = fetchTo('platform', g.request, 6, 20);
    const market = fetchTo('market', g.request, 21, 88);
    const spans = [...g.spans, plan, platform.client, platform.server, market.client, market.server, ...legacyCall(market.server, 30, 80, [31, 79])];
    const { phases, fetches } = breakDown(spans, 104);
    expect(fetches.filter((f) => f.critical).map((f) => f.subgraph).sort()).toEqual(['market', 'platform']);
    expect(phases).toMatchObject({ plan: 2, gatewayBefore: 3, platformHop: 14, gatewayExecutor: 84 - 14 - 67, legacyStandIn: 48 });
    expect(total(phases)).toBe(104);
  });

  it('refuses a trace whose subgraph span never arrived', () => {
    const g = gatewaySpans();
    const market = fetchTo('market', g.request, 6, 88);
    expect(() => breakDown([...g.spans, market.client], 100)).toThrow(/no subgraph server span/);
  });
});
