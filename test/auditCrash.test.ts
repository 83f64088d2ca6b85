import { Pool } from 'pg';
import { ledgerProof } from '../lib/audit/ledgerProof';
import { verifyLedger } from '../lib/audit/verify';
import { startGatewayProcess, type GatewayProcess } from './harness/gatewayProcess';
import { TEST_DATABASE_URL } from './harness/database';
import { startStack, type Stack } from './harness/stack';
import { startTcpProxy, type TcpProxy } from './harness/tcpProxy';

/**
 * Commit before release (SPEC §8), tested the hard way and without racing: the gateway process
 * reaches its ledger through a relay that holds the ledger's INSERT in flight; the process is
 * SIGKILLed while it is held; every response a client received must have its entries committed.
 */

let stack: Stack;
let proxy: TcpProxy;
let gateway: GatewayProcess | undefined;
let pool: Pool;

beforeAll(async () => {
  stack = await startStack();
  pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
  const target = new URL(TEST_DATABASE_URL);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
});
afterAll(async () => {
  gateway?.child.kill('SIGKILL');
  await pool?.end();
  await proxy?.close();
  await stack?.stop();
});

interface Answer {
  operationName: string;
  /** the request id of a response the client received, or null when none came */
  requestId: string | null;
}

it('releases no response whose entries are not committed when the gateway is SIGKILLed with a commit in flight', async () => {
  gateway = await startGatewayProcess({ ...stack.env, DATABASE_URL: stack.databaseUrl.replace(/@[^/]+\//, `@127.0.0.1:${proxy.port}/`) });
  const { url } = gateway;
  const token = await stack.token({ role: 'government', org: 'crash-test', purpose: 'financial-supervision' });
  // Each request carries its own operation name, which its ledger entries record: the relay can
  // tell when a request's INSERT has been sent.
  const ask = async (operationName: string, i: number): Promise<Answer> => {
    const uscc = stack.world.subject((i * 997) % stack.world.size).uscc;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `query ${operationName} { subject(uscc: "${uscc}") { kind region { name } finance { loanBalance overdueDays } } }` }),
      });
      const body = (await res.json()) as { data?: { subject?: unknown }; errors?: { extensions?: { code?: string } }[] };
      // A response refused for want of the ledger (AUDIT_UNAVAILABLE) may carry PUBLIC data without
      // entries (SPEC §6); any other answer needs its entries. (A department timing out on this
      // busy machine does not matter here.)
      const refused = body.errors?.some((e) => e.extensions?.code === 'AUDIT_UNAVAILABLE');
      return { operationName, requestId: res.status === 200 && body.data?.subject && !refused ? res.headers.get('x-request-id') : null };
    } catch {
      return { operationName, requestId: null }; // the gateway is gone
    }
  };

  const before = await Promise.all(Array.from({ length: 16 }, (_, i) => ask(`Before${i}`, i)));
  expect(before.filter((a) => a.requestId === null)).toEqual([]);

  proxy.hold();
  const inFlight = Array.from({ length: 16 }, (_, i) => ask(`Held${i}`, 100 + i));
  // The gateway has executed at least one held request and sent its group's INSERT: a commit is
  // in flight. (A gateway that answers a held request first has already broken the rule.)
  const anyAnswered = new Promise<void>((resolve) => inFlight.forEach((p) => void p.then((a) => a.requestId && resolve())));
  await Promise.race([proxy.waitForHeld('"operation_name":"Held'), anyAnswered]);
  // What a gateway does between starting a commit and writing the response is work on its event
  // loop with no I/O in between; one more round trip through that loop means a response released
  // without waiting for its commit would have been written to the client by now.
  expect((await fetch(url.replace(/\/graphql$/, '/healthz'))).status).toBe(200);
  gateway.child.kill('SIGKILL');
  await gateway.exited;
  const held = await Promise.all(inFlight);

  const received = [...before, ...held].flatMap((a) => (a.requestId ? [a.requestId] : []));
  const { rows } = await pool.query<{ request_id: string }>(`SELECT DISTINCT request_id FROM audit_entries WHERE request_id = ANY($1)`, [received]);
  const committed = new Set(rows.map((r) => r.request_id));
  expect(received.filter((id) => !committed.has(id))).toEqual([]);
  // The held commit never reached the database, so none of those requests may have been answered.
  expect(held.filter((a) => a.requestId !== null).map((a) => a.operationName)).toEqual([]);
  expect(await verifyLedger(pool, ledgerProof(stack.config.audit))).toEqual({ ok: true, records: expect.any(Number) });
}, 60_000);
