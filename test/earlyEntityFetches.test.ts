import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { createGateway, type Gateway } from '../gateway/server';
import { subjectsWhere, type Subject } from '../legacy/world';
import { startStack, type Stack } from './harness/stack';

/**
 * `subject(uscc:)`'s department fetches go out beside the platform's, not after its answer
 * (gateway/earlyEntityFetches.ts). A second gateway over the same stack reaches the platform
 * through a proxy that holds each platform answer until the market subgraph has been asked (or
 * HOLD_LIMIT_MS has passed): the order the proxy saw proves whether the department was asked
 * without waiting for the platform, whatever the machine's speed.
 */

const HOLD_LIMIT_MS = 5_000;

let stack: Stack;
let gateway: Gateway;
let gatewayUrl: string;
let proxy: http.Server;
let pool: Pool;
/** how each held platform answer was released; `failPlatform` makes the proxy answer 503 instead */
const releases: ('market asked' | 'hold limit')[] = [];
let failPlatform = false;
/** the market subgraph's requests before the test's request was sent */
let marketBaseline = 0;
let known: Subject, other: Subject, third: Subject, fourth: Subject;

async function marketAsked(before: number): Promise<boolean> {
  for (const until = Date.now() + HOLD_LIMIT_MS; Date.now() < until; ) {
    if (stack.subgraphRequests().market > before) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

beforeAll(async () => {
  stack = await startStack();
  [known, other, third, fourth] = subjectsWhere(stack.world, (s) => s.enterprise !== null, { count: 4, what: 'registered enterprises' });
  pool = new Pool({ connectionString: stack.databaseUrl });
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const answer = await fetch(stack.subgraphUrls.platform, { method: 'POST', headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      const body = Buffer.from(await answer.arrayBuffer());
      releases.push((await marketAsked(marketBaseline)) ? 'market asked' : 'hold limit');
      if (failPlatform) res.writeHead(503, { 'content-type': 'text/plain' }).end('platform down');
      else res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const platformUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`;
  gateway = createGateway({ config: { ...stack.config, subgraphUrls: { ...stack.config.subgraphUrls, platform: platformUrl } } });
  gatewayUrl = `${(await gateway.listen(0)).url}/graphql`;
});
afterAll(async () => {
  await gateway?.stop();
  proxy?.close();
  await pool?.end();
  await stack?.stop();
});

beforeEach(() => {
  releases.length = 0;
  failPlatform = false;
});

async function ask(query: string, variables: Record<string, unknown>) {
  const token = await stack.token({ role: 'government', org: 'early-test', purpose: 'credit-check' });
  marketBaseline = stack.subgraphRequests().market;
  const res = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return { requestId: res.headers.get('x-request-id')!, body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

it('asks the departments while the platform is still answering, each once, and merges their answers', async () => {
  const legacyBefore = stack.legacyStats().market.requests;
  const marketBefore = stack.subgraphRequests().market;
  const { body } = await ask('query P($u: USCC!) { subject(uscc: $u) { uscc kind registration { name } } }', { u: known.uscc });
  expect(body.errors).toBeUndefined();
  expect(body.data.subject).toEqual({ uscc: known.uscc, kind: expect.any(String), registration: { name: known.enterprise!.name } });
  expect(releases).toEqual(['market asked']);
  // sent early, taken by the executor: not asked a second time
  expect(stack.subgraphRequests().market - marketBefore).toBe(1);
  expect(stack.legacyStats().market.requests - legacyBefore).toBeGreaterThan(0);
});

it('does the same for an aliased subject given as a literal, beside another root field', async () => {
  const { body } = await ask(`query { a: subject(uscc: "${other.uscc}") { registration { name } } b: subject(uscc: "${third.uscc}") { kind } }`, {});
  expect(body.errors).toBeUndefined();
  expect(body.data.a.registration.name).toBe(other.enterprise!.name);
  expect(releases).toEqual(['market asked']);
});

it('delivers nothing a department answered early when the platform fails, and records no field as delivered', async () => {
  failPlatform = true;
  const { requestId, body } = await ask('query P($u: USCC!) { subject(uscc: $u) { kind registration { name } } }', { u: known.uscc });
  expect(body.data?.subject ?? null).toBeNull();
  expect(JSON.stringify(body)).not.toContain(known.enterprise!.name);
  const { rows } = await pool.query(`SELECT field, decision FROM audit_entries WHERE request_id = $1 AND decision = 'GRANTED'`, [requestId]);
  expect(rows).toEqual([]);
});

it('asks the same fetch of two aliases of one subject twice, not a third time', async () => {
  const marketBefore = stack.subgraphRequests().market;
  const { body } = await ask(`query { a: subject(uscc: "${other.uscc}") { registration { name } } b: subject(uscc: "${other.uscc}") { registration { name } } }`, {});
  expect(body.errors).toBeUndefined();
  expect(body.data.b.registration.name).toBe(other.enterprise!.name);
  expect(stack.subgraphRequests().market - marketBefore).toBe(2);
});

it('answers a request whose platform failed only once the department fetches it sent early have been answered', async () => {
  failPlatform = true;
  stack.standIns.market.setFaults({ latencyMs: 300 });
  try {
    const keysBefore = stack.legacyStats().market.keys;
    const { body } = await ask('query P($u: USCC!) { subject(uscc: $u) { registration { name } } }', { u: fourth.uscc });
    expect(body.data?.subject ?? null).toBeNull();
    // the market system counts the codes it looked up when it answers, after its latency
    expect(stack.legacyStats().market.keys - keysBefore).toBeGreaterThan(0);
  } finally {
    stack.standIns.market.setFaults({ latencyMs: 0 });
  }
});

it('sends nothing early for a subject under @include(if: false): the department is never asked', async () => {
  const marketBefore = stack.subgraphRequests().market;
  const { body } = await ask('query P($u: USCC!, $x: Boolean!) { subject(uscc: $u) @include(if: $x) { registration { name } } }', { u: known.uscc, x: false });
  expect(body.errors).toBeUndefined();
  expect(body.data).toEqual({});
  expect(stack.subgraphRequests().market - marketBefore).toBe(0);
});

it('sends nothing early beside another root field, which may be refused and fail the platform’s whole answer', async () => {
  const marketBefore = stack.subgraphRequests().market;
  const legacyBefore = stack.legacyStats().market.requests;
  // auditVerification is the auditors': refused to a government consumer, and non-null
  const { body } = await ask('query P($u: USCC!) { auditVerification { __typename } subject(uscc: $u) { registration { name } } }', { u: known.uscc });
  expect(body.data).toBeNull();
  expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(stack.subgraphRequests().market - marketBefore).toBe(0);
  expect(stack.legacyStats().market.requests - legacyBefore).toBe(0);
});
