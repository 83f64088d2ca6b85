import { DEPARTMENTS } from '../../lib/config';
import type { Subject } from '../../legacy/world/types';
import { startStack, type Stack } from '../harness/stack';

/**
 * `GET /metrics` of the gateway and every subgraph, scraped over HTTP from a real stack: refused
 * to anyone without the operator token, and after traffic and a department outage the named
 * series have moved. Every service of the stack runs in this process and shares its one registry
 * (lib/observability/metrics.ts), which no other test file sees.
 */

const METRICS_TOKEN = 'metrics-test-operator-token-0123456789';
const TAX_TIMEOUT_MS = 600;
const RATE_LIMIT_PER_MINUTE = 20;
const SUBJECT = '91110101MAAL0CXK0M'; // the demo subject all five departments know
const PROFILE = `query Profile($uscc: USCC!) { subject(uscc: $uscc) {
  registration { name } tax { arrears { amount } } judicial { enforcementCases { caseNumber } }
  customs { creditClass } finance { loanBalance } } }`;

let stack: Stack;
let government: string;

beforeAll(async () => {
  stack = await startStack({ env: { METRICS_TOKEN, TAX_TIMEOUT_MS: String(TAX_TIMEOUT_MS), RESPONSE_RESERVE_MS: '100', RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE) } });
  government = await stack.token({ role: 'government', org: 'metrics-test', purpose: 'financial-supervision' });
});
afterAll(() => stack?.stop());

const metricsUrls = () => [stack.gatewayUrl, ...Object.values(stack.subgraphUrls)].map((u) => u.replace(/\/graphql$/, '/metrics'));

async function scrape(url = metricsUrls()[0]): Promise<string> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

/** the sum of a series' samples whose labels include `labels` (Prometheus text format) */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

describe('GET /metrics', () => {
  it('is refused to the public on the gateway and every subgraph: no token, a consumer token, a wrong token', async () => {
    const consumer = await stack.token({ role: 'auditor', org: 'metrics-test' });
    for (const url of metricsUrls()) {
      for (const authorization of [undefined, `Bearer ${consumer}`, `Bearer ${METRICS_TOKEN}x`, METRICS_TOKEN]) {
        const res = await fetch(url, { headers: authorization ? { authorization } : {} });
        expect(res.status).toBe(401);
        const text = await res.text();
        expect(text).not.toContain('credit_graph_');
        expect(JSON.parse(text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      }
      expect(sample(await scrape(url), 'credit_graph_breaker_state', { department: 'market' })).toBe(0);
    }
  });

  it('moves request, latency, cache, audit, consent and rate-limit series with traffic', async () => {
    await stack.resetLegacy();
    const before = await scrape();
    for (let i = 0; i < 2; i++) expect((await stack.query(PROFILE, { token: government, variables: { uscc: SUBJECT } })).body.errors).toBeUndefined();
    // a bank without the subject's consent: checked, none found
    const bank = await stack.token({ role: 'bank', org: 'metrics-bank', purpose: 'financing' });
    const refused = await stack.query(`query BankRead { subject(uscc: "${SUBJECT}") { finance { loanBalance } } }`, { token: bank });
    expect(refused.body.errors?.[0].extensions?.code).toBe('CONSENT_REQUIRED');
    // one organization over its limit: refusals whichever minute window the requests fall in
    const flood = await stack.token({ role: 'public', org: 'metrics-flood' });
    const statuses: number[] = [];
    for (let i = 0; i < 2 * RATE_LIMIT_PER_MINUTE + 2; i++) statuses.push((await stack.query(`{ subject(uscc: "${SUBJECT}") { kind } }`, { token: flood })).status);
    const refusals = statuses.filter((s) => s === 429).length;
    expect(refusals).toBeGreaterThan(0);

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('credit_graph_operation_duration_seconds_count', { service: 'gateway', operation: 'Profile' })).toBe(2);
    expect(moved('credit_graph_operation_duration_seconds_count', { service: 'gateway', operation: 'BankRead' })).toBe(1);
    expect(moved('credit_graph_http_requests_total', { service: 'gateway', status: '200' })).toBeGreaterThanOrEqual(3);
    expect(moved('credit_graph_http_requests_total', { service: 'gateway', status: '429' })).toBe(refusals);
    expect(moved('credit_graph_rate_limit_refusals_total')).toBe(refusals);
    expect(moved('credit_graph_errors_total', { service: 'gateway', code: 'RATE_LIMITED' })).toBe(refusals);
    expect(moved('credit_graph_errors_total', { service: 'gateway', code: 'CONSENT_REQUIRED' })).toBe(1);
    expect(moved('credit_graph_consent_checks_total', { result: 'none' })).toBeGreaterThanOrEqual(1);
    for (const d of DEPARTMENTS) {
      // the first profile read each department (a miss), the second found it cached (a hit)
      expect(moved('credit_graph_operation_duration_seconds_count', { service: d })).toBeGreaterThanOrEqual(2);
      expect(moved('credit_graph_legacy_call_duration_seconds_count', { department: d, outcome: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(moved('credit_graph_cache_misses_total', { department: d })).toBeGreaterThanOrEqual(1);
      expect(moved('credit_graph_cache_hits_total', { department: d })).toBeGreaterThanOrEqual(1);
      expect(sample(after, 'credit_graph_breaker_state', { department: d })).toBe(0);
    }
    expect(moved('credit_graph_audit_commit_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^credit_graph_audit_queue_depth \d+$/m);
  });

  it('shows a department outage: timeouts, DEPARTMENT_UNAVAILABLE, the circuit open, calls refused by it', async () => {
    await stack.resetLegacy();
    const before = await scrape();
    stack.standIns.tax.setFaults({ down: true });
    // fresh subjects tax knows, so no cached copy answers for the department
    let cursor = 200;
    const fresh = (): Subject => {
      for (;;) {
        const s = stack.world.subject(cursor++);
        if (s.tax) return s;
      }
    };
    const unavailable: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await stack.query(`query TaxRead { subject(uscc: "${fresh().uscc}") { tax { arrears { amount } } } }`, { token: government });
      unavailable.push(res.body.errors?.filter((e) => e.extensions?.code === 'DEPARTMENT_UNAVAILABLE').length ?? 0);
    }
    expect(unavailable).toEqual([1, 1, 1, 1, 1, 1, 1]);

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('credit_graph_legacy_timeouts_total', { department: 'tax' })).toBeGreaterThanOrEqual(1);
    expect(moved('credit_graph_legacy_call_duration_seconds_count', { department: 'tax', outcome: 'timeout' })).toBeGreaterThanOrEqual(1);
    expect(moved('credit_graph_legacy_call_duration_seconds_count', { department: 'tax', outcome: 'circuit_open' })).toBeGreaterThanOrEqual(1);
    expect(moved('credit_graph_errors_total', { service: 'gateway', code: 'DEPARTMENT_UNAVAILABLE' })).toBe(7);
    expect(sample(after, 'credit_graph_breaker_state', { department: 'tax' })).toBe(2);
    expect(sample(after, 'credit_graph_breaker_state', { department: 'market' })).toBe(0);
    // the subgraphs serve the same process's series
    expect(sample(await scrape(metricsUrls()[3]), 'credit_graph_breaker_state', { department: 'tax' })).toBe(2);
  });
});
