import { fullProfileFragment } from '../bench/lib/profileQuery';
import { DEPARTMENTS, departmentConstant } from '../lib/departments';
import { startGatewayProcess, type GatewayProcess } from './harness/gatewayProcess';
import { startStack, type Stack } from './harness/stack';

/**
 * The largest requests SPEC allows, several at once, against the gateway as `npm start` runs it
 * (its own process, its heap capped), with the stand-ins at the benchmark's 40 ms. One
 * `subjects(usccs:)` of 500 full profiles needs ~100 MB of heap at its peak (at the old 128 MB cap
 * the benchmark's crashed the process) and 1,500 court calls through its 8 slots; three at once
 * overflow the court's queue (without admission their court sections fail here) and can exhaust
 * the heap. The gateway admits them in turn (useAdmission) and answers all three in full.
 */

let stack: Stack;
let gateway: GatewayProcess | undefined;

beforeAll(async () => {
  // generous deadlines: this test is about memory, and jest's other workers share the 2 cores (at 10 s a
  // loaded machine timed out finance batches behind the other two requests; speed is the bench's)
  const env = Object.fromEntries(DEPARTMENTS.map((d) => [`${departmentConstant(d)}_TIMEOUT_MS`, '30000']));
  // each waits for the ones before it: ~12 s apiece here, more on a loaded machine
  stack = await startStack({ env: { ...env, LEGACY_LATENCY_MS: '40', ADMISSION_WAIT_MS: '120000' } });
  // the six subgraphs share this process's one thread with the stand-ins: a 500-subject answer
  // being built blocks all of them at once, which the gateway's liveness watch (10 s of silence)
  // would read as a hung subgraph; here it is about memory and admission (liveness has its tests)
  gateway = await startGatewayProcess({ ...stack.env, SUBGRAPH_SILENCE_MS: '60000' });
});
afterAll(async () => {
  gateway?.child.kill('SIGKILL');
  await stack?.stop();
});

it('answers three concurrent requests for 500 full profiles each, and stays up', async () => {
  const { url } = gateway!;
  const token = await stack.token({ role: 'government', org: 'batch-test', purpose: 'financial-supervision' });
  const query = `query Batch($usccs: [USCC!]!) { subjects(usccs: $usccs) { ...FullProfile } } ${fullProfileFragment()}`;
  const batch = (k: number) => Array.from({ length: 500 }, (_, i) => stack.world.subject(k * 500 + i).uscc);
  const answers = await Promise.all(
    [0, 1, 2].map(async (k) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: { usccs: batch(k) } }),
      });
      const body = (await res.json()) as { data?: { subjects: { uscc: string }[] }; errors?: unknown[] };
      return { status: res.status, body };
    }),
  );
  answers.forEach(({ status, body }, k) => {
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.subjects.map((s) => s.uscc)).toEqual(batch(k));
  });
  expect(gateway!.child.exitCode).toBeNull();
  const health = await fetch(url.replace(/\/graphql$/, '/healthz'));
  expect(health.status).toBe(200);
}, 240_000);
