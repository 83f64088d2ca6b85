import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus series of this process, in ONE registry of its own (never prom-client's global
 * default): the gateway and each subgraph serve it on `GET /metrics` (metricsRoute.ts). A test
 * stack runs every service in one process and jest gives each test file its own module registry,
 * so each stack scrapes its own numbers. Labels are bounded sets only: service, department,
 * error code, outcome, and an operation name from `operationLabel`.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'credit_graph_process_' });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  httpRequests: new Counter({
    name: 'credit_graph_http_requests_total',
    help: 'HTTP requests answered, by service and status (refusals before GraphQL included)',
    labelNames: ['service', 'status'] as const,
    registers: [registry],
  }),
  operationDuration: new Histogram({
    name: 'credit_graph_operation_duration_seconds',
    help: 'GraphQL operations from receipt to response, by service and operation name (bounded, see operationLabel)',
    labelNames: ['service', 'operation'] as const,
    buckets: SECONDS,
    registers: [registry],
  }),
  errors: new Counter({
    name: 'credit_graph_errors_total',
    help: 'errors sent to clients, by service and extensions.code (SPEC §6)',
    labelNames: ['service', 'code'] as const,
    registers: [registry],
  }),
  legacyCallDuration: new Histogram({
    name: 'credit_graph_legacy_call_duration_seconds',
    help: "calls to a department's legacy system (retries included), by outcome: ok, failed, timeout, circuit_open",
    labelNames: ['department', 'outcome'] as const,
    buckets: SECONDS,
    registers: [registry],
  }),
  legacyTimeouts: new Counter({
    name: 'credit_graph_legacy_timeouts_total',
    help: 'legacy call attempts that ran out of time',
    labelNames: ['department'] as const,
    registers: [registry],
  }),
  cacheHits: new Counter({
    name: 'credit_graph_cache_hits_total',
    help: 'legacy answers served fresh from the cache',
    labelNames: ['department'] as const,
    registers: [registry],
  }),
  cacheMisses: new Counter({
    name: 'credit_graph_cache_misses_total',
    help: "legacy answers not in the cache (fetched from the department's system); ratio = hits / (hits + misses)",
    labelNames: ['department'] as const,
    registers: [registry],
  }),
  auditCommitDuration: new Histogram({
    name: 'credit_graph_audit_commit_duration_seconds',
    help: 'group commits of the audit ledger, by outcome: ok, failed',
    labelNames: ['outcome'] as const,
    buckets: SECONDS,
    registers: [registry],
  }),
  consentChecks: new Counter({
    name: 'credit_graph_consent_checks_total',
    help: "subjects whose consent a bank's request was checked against, by result: active, none",
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  rateLimitRefusals: new Counter({
    name: 'credit_graph_rate_limit_refusals_total',
    help: 'requests refused HTTP 429 by the per-organization rate limit',
    registers: [registry],
  }),
  admissionWaits: new Histogram({
    name: 'credit_graph_admission_wait_seconds',
    help: 'how long large requests waited for admission, by outcome: admitted, refused (SERVICE_BUSY)',
    labelNames: ['outcome'] as const,
    buckets: SECONDS,
    registers: [registry],
  }),
};

/** Sources read at scrape time: each department's circuit, the ledger's queue. */
const breakers = new Set<{ department: string; state(): 'closed' | 'open' | 'half-open' }>();
const auditQueues = new Set<() => number>();

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

new Gauge({
  name: 'credit_graph_breaker_state',
  help: "each department's circuit breaker: 0 closed, 1 half-open, 2 open",
  labelNames: ['department'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const b of breakers) this.set({ department: b.department }, BREAKER_VALUE[b.state()]);
  },
});

new Gauge({
  name: 'credit_graph_audit_queue_depth',
  help: 'audit entries waiting for their group commit',
  registers: [registry],
  collect() {
    let depth = 0;
    for (const read of auditQueues) depth += read();
    this.set(depth);
  },
});

/** Reads a circuit at every scrape until the returned function is called (the client closed). */
export function watchBreaker(source: { department: string; state(): 'closed' | 'open' | 'half-open' }): () => void {
  breakers.add(source);
  return () => breakers.delete(source);
}

export function watchAuditQueue(depth: () => number): () => void {
  auditQueues.add(depth);
  return () => auditQueues.delete(depth);
}

/**
 * A client names its operations: kept as a label only while few names have been seen (the first
 * MAX_OPERATION_LABELS well-formed ones), so a client sending a fresh name per request cannot
 * grow the series without bound; the rest are `other`, unnamed operations `anonymous`.
 */
export const MAX_OPERATION_LABELS = 50;
const operationNames = new Set<string>();

export function operationLabel(name: unknown): string {
  if (typeof name !== 'string' || name === '') return 'anonymous';
  if (operationNames.has(name)) return name;
  if (!/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name) || operationNames.size >= MAX_OPERATION_LABELS) return 'other';
  operationNames.add(name);
  return name;
}
