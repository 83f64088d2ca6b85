import { SPAN_KIND_CLIENT, SPAN_KIND_SERVER, type ReceivedSpan } from './otlpReceiver';

/**
 * Where one request's time went, from its trace: the client's end-to-end time cut into phases
 * along the critical path, so that the phases add up to it exactly.
 *
 * The gateway's server span is cut at the first subgraph fetch (x0) and at the end of the fetches
 * (x1, where @apollo/gateway's postprocessing starts). Between them, the critical path is walked
 * back from x1: the fetch that ended last, then the fetch that ended before that one started, and
 * so on (a department fetch sent beside the platform's has no predecessor; one planned after the
 * platform's answer has the platform hop). A department fetch on that path is cut into the HTTP
 * between gateway and subgraph (client span minus the subgraph's server span), the subgraph's own
 * work before its first legacy call and after it, and its legacy calls — walked back the same way inside the subgraph, so dependent calls
 * (customs' mapping, then its CSV) count one after the other and parallel calls (the court's three
 * lists) only once — each split into the stand-in's time (its server span: the configured latency
 * and its work) and our legacy client's (slot queue, HTTP, parsing the answer).
 *
 * Durations are exact; span start times carry the SDK's millisecond clock (Date.now), so a phase
 * cut between two spans' boundaries (gateway before and after the fetches, the executor) is good
 * to about ±1 ms, and that is the tolerance of the walks.
 */

export const PHASES = [
  { id: 'gatewayBefore', label: 'gateway before the fetches: receive, authenticate, parse, validate, limits' },
  { id: 'plan', label: 'query plan (cached after its first request)' },
  { id: 'platformHop', label: 'platform hop on the critical path' },
  { id: 'gatewayExecutor', label: 'gateway executor between fetches' },
  { id: 'subgraphHttp', label: 'HTTP gateway ↔ department subgraph' },
  { id: 'subgraphBefore', label: 'department subgraph before its first legacy call' },
  { id: 'subgraphAfter', label: 'department subgraph after it: between calls, answer, serialization' },
  { id: 'legacyClient', label: 'our legacy client: slot, HTTP, parsing' },
  { id: 'legacyStandIn', label: 'legacy stand-in (its latency and work)' },
  { id: 'audit', label: 'audit commit' },
  { id: 'gatewayAfter', label: 'gateway after the fetches: postprocessing, field walk, serialization, send' },
  { id: 'unattributed', label: 'unattributed / network (client ↔ gateway)' },
] as const;

export type PhaseId = (typeof PHASES)[number]['id'];
export type Phases = Record<PhaseId, number>;

/** One subgraph fetch of the request, on the critical path or not. */
export interface FetchTimes {
  subgraph: string;
  /** the gateway's client span */
  fetchMs: number;
  /** the subgraph's server span */
  subgraphMs: number;
  /** its legacy calls along their critical chain */
  legacyChainMs: number;
  /** from the subgraph's server span's start to the first call of that chain (all of it when there is none) */
  beforeLegacyMs: number;
  /** the stand-ins' server spans along that chain */
  standInMs: number;
  legacyCalls: number;
  critical: boolean;
}

export interface RequestPhases {
  endToEndMs: number;
  phases: Phases;
  fetches: FetchTimes[];
}

/** how far apart two span boundaries may seem when they are one instant (the SDK's ms start clock) */
const CLOCK_MS = 1;

/** The request's phases; throws when the trace lacks a span it needs (an export lost). */
export function breakDown(spans: readonly ReceivedSpan[], endToEndMs: number): RequestPhases {
  const trace = new TraceView(spans);
  const server = trace.one((s) => s.service === 'gateway' && s.kind === SPAN_KIND_SERVER, 'gateway server span');
  const execute = trace.one((s) => s.service === 'gateway' && s.name === 'gateway.execute', 'gateway.execute span');
  const plan = trace.find((s) => s.service === 'gateway' && s.name === 'gateway.plan');
  const postprocessing = trace.find((s) => s.service === 'gateway' && s.name === 'gateway.postprocessing');
  const audit = trace.find((s) => s.service === 'gateway' && s.name === 'audit commit');
  const fetches = trace.all((s) => s.service === 'gateway' && s.kind === SPAN_KIND_CLIENT).map((c) => trace.fetchTimes(c));

  const x0 = Math.min(execute.startMs, ...fetches.map((f) => f.span.startMs));
  const x1 = postprocessing?.startMs ?? execute.endMs;
  const critical = new Set(criticalChain(fetches.map((f) => f.span), x1));

  const phases = Object.fromEntries(PHASES.map((p) => [p.id, 0])) as Phases;
  phases.plan = duration(plan);
  phases.gatewayBefore = x0 - server.startMs - phases.plan;
  phases.gatewayExecutor = x1 - x0;
  for (const f of fetches.filter((f) => critical.has(f.span))) {
    phases.gatewayExecutor -= f.times.fetchMs;
    addFetch(phases, f.times);
  }
  phases.audit = duration(audit);
  phases.gatewayAfter = server.endMs - x1 - phases.audit;
  phases.unattributed = endToEndMs - duration(server);
  return { endToEndMs, phases, fetches: fetches.map((f) => ({ ...f.times, critical: critical.has(f.span) })) };
}

/** A fetch on the critical path: the platform's whole; a department's cut into its parts (each within the one before). */
function addFetch(phases: Phases, t: Omit<FetchTimes, 'critical'>): void {
  if (t.subgraph === 'platform') {
    phases.platformHop += t.fetchMs;
    return;
  }
  // a server span may end (its response flushed) a little after the client has read the answer
  const subgraph = Math.min(t.subgraphMs, t.fetchMs);
  const chain = Math.min(t.legacyChainMs, subgraph);
  const standIn = Math.min(t.standInMs, chain);
  const before = Math.min(t.beforeLegacyMs, subgraph - chain);
  phases.subgraphHttp += t.fetchMs - subgraph;
  phases.subgraphBefore += before;
  phases.subgraphAfter += subgraph - chain - before;
  phases.legacyClient += chain - standIn;
  phases.legacyStandIn += standIn;
}

/**
 * Walked back from `endMs`: the span that ended last, then the one that ended last before that one
 * started, until none is left — the spans one waited for, one after another.
 */
function criticalChain(spans: readonly ReceivedSpan[], endMs: number): ReceivedSpan[] {
  const chain: ReceivedSpan[] = [];
  let cursor = endMs;
  for (;;) {
    const before = spans.filter((s) => s.endMs <= cursor + CLOCK_MS && !chain.includes(s));
    if (before.length === 0) return chain;
    const last = before.reduce((a, b) => (b.endMs > a.endMs ? b : a));
    chain.push(last);
    cursor = last.startMs;
  }
}

const duration = (s: ReceivedSpan | undefined) => (s ? s.endMs - s.startMs : 0);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** One trace's spans, by parent, with the lookups the breakdown needs. */
class TraceView {
  private readonly children = new Map<string, ReceivedSpan[]>();

  constructor(private readonly spans: readonly ReceivedSpan[]) {
    for (const s of spans) {
      if (!s.parentSpanId) continue;
      const list = this.children.get(s.parentSpanId) ?? [];
      list.push(s);
      this.children.set(s.parentSpanId, list);
    }
  }

  find(match: (s: ReceivedSpan) => boolean): ReceivedSpan | undefined {
    return this.spans.find(match);
  }

  one(match: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan {
    const s = this.find(match);
    if (!s) throw new Error(`the trace has no ${what}`);
    return s;
  }

  all(match: (s: ReceivedSpan) => boolean): ReceivedSpan[] {
    return this.spans.filter(match);
  }

  descendants(of: ReceivedSpan, match: (s: ReceivedSpan) => boolean): ReceivedSpan[] {
    const out: ReceivedSpan[] = [];
    const visit = (s: ReceivedSpan) => {
      for (const c of this.children.get(s.spanId) ?? []) {
        if (match(c)) out.push(c);
        visit(c);
      }
    };
    visit(of);
    return out;
  }

  /** a gateway fetch (its client span) and the subgraph's side of it, down to the stand-ins */
  fetchTimes(client: ReceivedSpan): { span: ReceivedSpan; times: Omit<FetchTimes, 'critical'> } {
    const server = this.children.get(client.spanId)?.find((s) => s.kind === SPAN_KIND_SERVER);
    if (!server) throw new Error(`the trace has no subgraph server span under the fetch to ${String(client.attributes['url.full'])}`);
    const legacy = this.descendants(server, (s) => s.service === server.service && s.name.startsWith('legacy '));
    const chain = criticalChain(legacy, server.endMs);
    const standIn = (call: ReceivedSpan) => sum(this.descendants(call, (s) => s.service === 'legacy' && s.kind === SPAN_KIND_SERVER).map(duration));
    return {
      span: client,
      times: {
        subgraph: server.service,
        fetchMs: duration(client),
        subgraphMs: duration(server),
        legacyChainMs: sum(chain.map(duration)),
        // the chain is walked back: its first call is its last element
        beforeLegacyMs: Math.max(0, (chain.at(-1)?.startMs ?? server.endMs) - server.startMs),
        // a stand-in's server span may end a little after our client has read the answer
        standInMs: sum(chain.map((call) => Math.min(standIn(call), duration(call)))),
        legacyCalls: legacy.length,
      },
    };
  }
}
