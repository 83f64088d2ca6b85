import { Pool } from 'pg';
import { ledgerProof } from '../lib/audit/ledgerProof';
import { verifyLedger } from '../lib/audit/verify';
import { startGatewayProcess, type GatewayProcess } from './harness/gatewayProcess';
import { startStack, type Stack } from './harness/stack';

/**
 * Commit before release (SPEC §8), tested the hard way: a gateway process killed with SIGKILL
 * under load has committed the entries of every response a client received.
 */

let stack: Stack;
let gateway: GatewayProcess | undefined;
let pool: Pool;

beforeAll(async () => {
  stack = await startStack();
  pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
});
afterAll(async () => {
  gateway?.child.kill('SIGKILL');
  await pool?.end();
  await stack?.stop();
});

it('loses no entry of any response a client received when the gateway is SIGKILLed under load', async () => {
  gateway = await startGatewayProcess(stack.env);
  const { url } = gateway;
  const token = await stack.token({ role: 'government', org: 'crash-test', purpose: 'financial-supervision' });
  const received: string[] = [];
  let stop = false;
  const client = async (n: number) => {
    for (let i = 0; !stop; i++) {
      const uscc = stack.world.subject((n * 997 + i * 31) % stack.world.size).uscc;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: `{ subject(uscc: "${uscc}") { kind region { name } finance { loanBalance overdueDays } } }` }),
        });
        const body = (await res.json()) as { data?: unknown };
        if (res.status === 200 && body.data) received.push(res.headers.get('x-request-id')!);
      } catch {
        return; // the gateway is gone
      }
    }
  };
  const clients = Array.from({ length: 16 }, (_, n) => client(n));
  while (received.length < 150) await new Promise((r) => setTimeout(r, 20));
  gateway.child.kill('SIGKILL');
  stop = true;
  await Promise.all(clients);

  const { rows } = await pool.query(`SELECT DISTINCT request_id FROM audit_entries WHERE request_id = ANY($1)`, [received]);
  expect(received.length).toBeGreaterThanOrEqual(150);
  expect(rows.length).toBe(received.length);
  expect((await verifyLedger(pool, ledgerProof(stack.config.audit))).ok).toBe(true);
}, 60_000);
