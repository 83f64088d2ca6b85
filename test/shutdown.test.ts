import { Pool } from 'pg';
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
