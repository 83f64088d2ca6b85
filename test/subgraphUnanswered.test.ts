import { DEPARTMENTS, departmentConstant } from '../lib/departments';
import { subjectsWhere } from '../legacy/world/subjectsWhere';
import type { Subject } from '../legacy/world/types';
import { startStack, type Stack } from './harness/stack';
import { startTcpProxy, type TcpProxy } from './harness/tcpProxy';

/**
 * A department's SUBGRAPH PROCESS that gives no answer — hung with its connections open (a
 * blocked event loop, a stopped process: here a relay that holds every byte), or gone (connections
 * refused) — is that department unavailable to the consumer (SPEC §6): its section null with
 * DEPARTMENT_UNAVAILABLE naming it, the rest intact, once it has answered nothing (not even its
 * health route) for SUBGRAPH_SILENCE_MS rather than after undici's five minutes. A subgraph that
 * is slow but alive is waited for.
 */

let stack: Stack;
let court: TcpProxy;
let government: string;
/** registered with market (a name to see intact), each test its own so no cache answers for the court */
let registered: Subject[];
const nameOf = (s: Subject) => s.enterprise!.name;

const PROBE_INTERVAL_MS = 200;
/** how long a fetch and its subgraph may both be silent; the court's stand-in below takes three times as long */
const SILENCE_MS = 1000;

beforeAll(async () => {
  stack = await startStack({
    env: {
      SUBGRAPH_PROBE_INTERVAL_MS: String(PROBE_INTERVAL_MS),
      SUBGRAPH_SILENCE_MS: String(SILENCE_MS),
      // the slow-but-alive case below must stay within the court's own deadline
      ...Object.fromEntries(DEPARTMENTS.map((d) => [`${departmentConstant(d)}_TIMEOUT_MS`, '20000'])),
    },
    // the gateway reaches the court's subgraph through a relay the tests hang or cut
    async gatewaySubgraphUrl(name, url) {
      if (name !== 'court') return url;
      const target = new URL(url);
      court = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
      return `http://127.0.0.1:${court.port}${target.pathname}`;
    },
  });
  government = await stack.token({ role: 'government', org: 'service-hall-1' });
  registered = subjectsWhere(stack.world, (s) => s.enterprise !== null, { count: 8, what: 'registered subjects' });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await court?.close();
});

afterEach(async () => {
  court.release();
  court.restore();
  await stack.resetLegacy();
});

const PROFILE = `query($u: USCC!) { subject(uscc: $u) { uscc registration { name } judicial { dishonestDebtor { caseNumber } } } }`;

function expectCourtUnavailable(body: Awaited<ReturnType<Stack['query']>>['body'], name: string) {
  expect(body.data.subject.registration.name).toBe(name);
  expect(body.data.subject.judicial).toBeNull();
  expect(body.errors).toEqual([
    expect.objectContaining({ path: ['subject', 'judicial'], extensions: { code: 'DEPARTMENT_UNAVAILABLE', department: 'COURT' } }),
  ]);
}

it('hung: the court section is DEPARTMENT_UNAVAILABLE once its process has answered nothing for the silence allowed, the rest intact', async () => {
  const subject = registered[0]!;
  court.hold();
  // answered within jest's timeout: without the watch, undici would hold the fetch five minutes
  const r = await stack.query(PROFILE, { variables: { u: subject.uscc }, token: government });
  expect(r.status).toBe(200);
  expectCourtUnavailable(r.body, nameOf(subject));
});

it('gone: a refused connection is DEPARTMENT_UNAVAILABLE too, not an internal error', async () => {
  const subject = registered[1]!;
  court.cut();
  const r = await stack.query(PROFILE, { variables: { u: subject.uscc }, token: government });
  expect(r.status).toBe(200);
  expectCourtUnavailable(r.body, nameOf(subject));
});

it('hung in a batch: every subject has its court section unavailable at its own path', async () => {
  const subjects = registered.slice(2, 5);
  court.hold();
  const r = await stack.query(`query($u: [USCC!]!) { subjects(usccs: $u) { registration { name } judicial { dishonestDebtor { caseNumber } } } }`, {
    variables: { u: subjects.map((s) => s.uscc) },
    token: government,
  });
  expect(r.body.data.subjects.map((s: { registration: { name: string } }) => s.registration.name)).toEqual(subjects.map(nameOf));
  expect(r.body.data.subjects.map((s: { judicial: unknown }) => s.judicial)).toEqual([null, null, null]);
  expect(r.body.errors!.map((e) => [e.path, e.extensions?.code, e.extensions?.department])).toEqual(
    [0, 1, 2].map((i) => [['subjects', i, 'judicial'], 'DEPARTMENT_UNAVAILABLE', 'COURT']),
  );
});

it('a credit check with the court subgraph hung is INCOMPLETE, naming the court', async () => {
  const subject = registered[5]!;
  court.hold();
  const r = await stack.query(`query($u: USCC!) { subject(uscc: $u) { creditCheck(scenario: BIDDING) { verdict missingDepartments } } }`, {
    variables: { u: subject.uscc },
    token: government,
  });
  expect(r.body.data.subject.creditCheck).toMatchObject({ verdict: 'INCOMPLETE', missingDepartments: ['COURT'] });
});

it('slow but alive: a court subgraph answering after three times the silence allowed is waited for, its probes answered meanwhile', async () => {
  const subject = registered[6]!;
  stack.standIns.court.setFaults({ latencyMs: 3 * SILENCE_MS });
  const r = await stack.query(PROFILE, { variables: { u: subject.uscc }, token: government });
  expect(r.body.errors).toBeUndefined();
  expect(r.body.data.subject.judicial).not.toBeNull();
});
