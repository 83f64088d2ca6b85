import { spawn } from 'node:child_process';
import path from 'node:path';
import { Pool } from 'pg';
import { SUBGRAPHS } from '../lib/config';
import { freePorts } from '../scripts/cluster/haproxy';
import { startGatewayProcess } from './harness/gatewayProcess';
import { startStack, type Stack } from './harness/stack';

/** SIGTERM: the gateway stops accepting, finishes what is in flight (audit included), exits 0. */

let stack: Stack;
let pool: Pool;
beforeAll(async () => {
  stack = await startStack();
  pool = new Pool({ connectionString: stack.databaseUrl, max: 1 });
});
afterAll(async () => {
  await pool?.end();
  await stack?.stop();
});

it('finishes a request in flight, with its audit entries, refuses new ones, and exits 0', async () => {
  const gateway = await startGatewayProcess(stack.env);
  const token = await stack.token({ role: 'government', org: 'shutdown-test', purpose: 'financial-supervision' });
  stack.standIns.finance.setFaults({ latencyMs: 800 });
  const uscc = stack.world.subject(42).uscc;
  const inFlight = fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: `{ subject(uscc: "${uscc}") { kind finance { loanBalance } } }` }),
  });
  await new Promise((r) => setTimeout(r, 300));
  gateway.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 100));

  const late = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(
    (r) => r.status,
    () => 'refused',
  );
  expect(late).toBe('refused');

  const res = await inFlight;
  expect(res.status).toBe(200);
  const body = (await res.json()) as { data: { subject: { kind: string } } };
  expect(body.data.subject.kind).toEqual(expect.any(String));
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM audit_entries WHERE request_id = $1`, [res.headers.get('x-request-id')]);
  expect(rows[0].n).toBeGreaterThan(0);
  expect(await gateway.exited).toBe(0);
}, 60_000);

/** `subgraphs/tax/index.ts` as `npm start` runs it, once it listens */
async function startTaxProcess(env: Record<string, string>): Promise<{ kill(): void; exited: Promise<number | null> }> {
  const [port] = (await freePorts(1)) as [number];
  const portBase = port - SUBGRAPHS.indexOf('tax') - 1;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'subgraphs', 'tax', 'index.ts')], {
    env: { ...process.env, ...env, SUBGRAPH_PORT_BASE: String(portBase) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('subgraph tax listening at')) resolve();
    });
    void exited.then((code) => reject(new Error(`tax exited with ${code} before listening`)));
  });
  return { kill: () => child.kill('SIGTERM'), exited };
}

// Jest sets NODE_ENV=test, where Apollo Server installs no signal handler of its own; anywhere
// else its handler stopped Apollo and raised the signal again, killing the process before the
// entry point's own stop (ledger, pools, the last spans flushed) had run to its exit 0.
describe('SIGTERM outside NODE_ENV=test', () => {
  it("lets the gateway's own stop run to its end and exit 0", async () => {
    const gateway = await startGatewayProcess({ ...stack.env, NODE_ENV: 'development' });
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  }, 60_000);

  it("lets a subgraph's own stop run to its end and exit 0", async () => {
    const tax = await startTaxProcess({ ...stack.env, NODE_ENV: 'development' });
    tax.kill();
    expect(await tax.exited).toBe(0);
  }, 60_000);
});
