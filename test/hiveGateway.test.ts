import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fullProfileFragment, profileQuery } from '../bench/lib/profileQuery';
import { subjectsWhere } from '../legacy/world';
import { freePorts } from '../scripts/cluster/haproxy';
import { startService, stopAll, waitForLine, type RunningService } from '../scripts/processes';
import { startStack, type Stack } from './harness/stack';

/**
 * The bench's Hive Gateway peer (bench/hiveGateway.ts) as its own process over a test stack: it
 * must answer the full profile with our gateway's data (else the overhead figures compare different
 * work), and send every request's own subgraph fetches. It reaches the platform through a proxy
 * that holds each answer until CONCURRENT requests have arrived (or HOLD_LIMIT_MS has passed), so
 * identical requests are in flight together whatever the machine's speed.
 */

const CONCURRENT = 6;
const HOLD_LIMIT_MS = 3_000;

let stack: Stack;
let hive: RunningService;
let hiveUrl: string;
let proxy: http.Server;
/** requests the platform proxy received */
let proxied = 0;
/** while set, the proxy holds each answer until CONCURRENT requests have arrived */
let hold: { allArrived: Promise<void>; release(): void } | null = null;

beforeAll(async () => {
  stack = await startStack();
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (++proxied === CONCURRENT) hold?.release();
      const answer = await fetch(stack.subgraphUrls.platform, { method: 'POST', headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      const body = Buffer.from(await answer.arrayBuffer());
      if (hold) await Promise.race([hold.allArrived, new Promise((r) => setTimeout(r, HOLD_LIMIT_MS).unref())]);
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const [port] = await freePorts(1);
  hive = startService(
    {
      name: 'hive-gateway',
      entry: 'bench/hiveGateway.ts',
      env: { ...stack.env, HIVE_GATEWAY_PORT: String(port), PLATFORM_SUBGRAPH_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql` },
    },
    { quiet: true },
  );
  hiveUrl = (/serving at (\S+)/.exec(await waitForLine(hive, /hive gateway serving at/)) ?? [])[1]!;
});
afterAll(async () => {
  if (hive) await stopAll([hive]);
  proxy?.closeAllConnections();
  proxy?.close();
  await stack?.stop();
});

async function askHive(query: string, variables: Record<string, unknown>) {
  const res = await fetch(hiveUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: any; errors?: { message: string }[] };
}

it("answers the bench's full profile with the same data as our gateway", async () => {
  const [subject] = subjectsWhere(stack.world, (s) => s.enterprise !== null && s.tax !== null && s.finance !== null, { count: 1, what: 'subjects known to market, tax and finance' });
  const query = profileQuery(fullProfileFragment());
  const token = await stack.token({ role: 'government', org: 'bench-org', purpose: 'financial-supervision' });
  // ours first: it fills the subgraphs' caches, so both read the same legacy answer (provenance included)
  const ours = await stack.query(query, { variables: { uscc: subject.uscc }, token });
  const answer = await askHive(query, { uscc: subject.uscc });
  expect(ours.body.errors).toBeUndefined();
  expect(answer.errors).toBeUndefined();
  expect(answer.data).toEqual(ours.body.data);
});

it('sends each of several identical requests in flight together to the subgraphs, sharing no fetch', async () => {
  const [subject] = subjectsWhere(stack.world, (s) => s.enterprise !== null, { count: 1, what: 'registered enterprises' });
  proxied = 0;
  let release = () => {};
  hold = { allArrived: new Promise<void>((r) => (release = r)), release: () => release() };
  const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => askHive('query P($u: USCC!) { subject(uscc: $u) { uscc kind } }', { u: subject.uscc })));
  expect(answers.map((a) => a.data?.subject?.uscc)).toEqual(Array(CONCURRENT).fill(subject.uscc));
  expect(proxied).toBe(CONCURRENT);
});
