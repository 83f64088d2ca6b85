import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../lib/auth/internalToken';
import { DEPARTMENTS, departmentConstant, type Department } from '../lib/departments';
import { REQUEST_AGE_HEADER } from '../lib/legacy/requestBudget';
import type { Subject } from '../legacy/world/types';
import { sectionOf, sectionProbe } from './harness/sectionProbe';
import { startStack, type Stack } from './harness/stack';

/**
 * Each department hung, erroring and slow in turn (the stand-ins' /__admin/faults): that section
 * is null with DEPARTMENT_UNAVAILABLE (or its last known copy, marked stale), the others intact;
 * the circuit opens and stops the calls, and closes again after recovery.
 */

const TIMEOUT_MS = 600;
// long enough that a loaded machine cannot let the circuit go half-open before the check
const BREAKER_RESET_MS = 4000;

let stack: Stack;
let token: string;
let cursor = 0;


/** a fresh subject known to every department asked (no cache can answer for it) */
function freshSubject(): Subject {
  for (;;) {
    const s = stack.world.subject(cursor++);
    if (s.enterprise && s.tax && s.finance) return s;
  }
}

/** a fresh subject tax knows (found by the first identifier asked: no second step) */
function freshTaxpayer(): Subject {
  for (;;) {
    const s = stack.world.subject(cursor++);
    if (s.tax) return s;
  }
}

/** a fresh subject registered with customs (mapping, then CSV) */
function freshCustomsSubject(): Subject {
  for (;;) {
    const s = stack.world.subject(cursor++);
    if (s.enterprise && s.customs) return s;
  }
}

/** a section every fresh subject has beside the one under test */
const otherThan = (d: Department): Department => (d === 'finance' ? 'market' : 'finance');
const profile = (d: Department, uscc: string) => `{ subject(uscc: "${uscc}") { kind ${sectionProbe(d)} ${sectionProbe(otherThan(d))} } }`;

beforeAll(async () => {
  const env: Record<string, string> = {};
  for (const d of DEPARTMENTS.map(departmentConstant)) {
    env[`${d}_TIMEOUT_MS`] = String(TIMEOUT_MS);
    env[`${d}_BREAKER_RESET_MS`] = String(BREAKER_RESET_MS);
    env[`${d}_CACHE_TTL_SECONDS`] = '1';
  }
  // the default reserve would leave these short deadlines too little for a fresh fetch on a loaded machine
  env.RESPONSE_RESERVE_MS = '100';
  stack = await startStack({ env });
  token = await stack.token({ role: 'government', org: 'outage-test', purpose: 'financial-supervision' });
});
afterAll(() => stack?.stop());
afterEach(() => stack.resetLegacy());

async function expectSectionUnavailable(d: Department, uscc: string) {
  // That an answer comes at all, with the section null, is the rule here (without the deadline a
  // hung department never answers and a slow one fills the section); how soon it comes under load
  // is a measurement: bench/scenarios/hungDepartment.ts, not a wall-clock bound in a test.
  const res = await stack.query(profile(d, uscc), { token });
  expect(res.status).toBe(200);
  expect(res.body.data.subject[sectionOf(d)]).toBeNull();
  expect(res.body.data.subject.kind).toEqual(expect.any(String));
  expect(res.body.data.subject[sectionOf(otherThan(d))]).not.toBeNull();
  // (the court's lists load one by one, so its error sits on the list that failed)
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors![0].path!.slice(0, 2)).toEqual(['subject', sectionOf(d)]);
  expect(res.body.errors![0].extensions).toEqual({ code: 'DEPARTMENT_UNAVAILABLE', department: departmentConstant(d) });
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(/java|Tomcat|WebLogic|jdbc|soap:|<html|127\.0\.0\.1|\.internal/i);
}

describe("deadlines count from the consumer's request", () => {
  /** a department subgraph asked directly, as the gateway does, saying how long the request has waited */
  async function entities(d: Department, usccs: string | string[], ageMs: number) {
    const token = await signInternalToken(
      { consumer: { id: 'outage-test', org: 'outage-test', role: 'government', purpose: 'financial-supervision', subject: null }, requestId: `age-${ageMs}` },
      stack.config.internalTokenSecret,
    );
    const res = await fetch(stack.subgraphUrls[d], {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: token, [REQUEST_AGE_HEADER]: String(ageMs) },
      body: JSON.stringify({
        // named as the gateway names it: the subgraph reads how many subjects a fetch is about from it
        query: `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Subject { ${sectionProbe(d)} } } }`,
        variables: { representations: [usccs].flat().map((uscc) => ({ __typename: 'Subject', uscc })) },
      }),
    });
    return { status: res.status, body: (await res.json()) as { data: { _entities: Record<string, unknown>[] }; errors?: { path?: (string | number)[]; extensions?: Record<string, unknown> }[] } };
  }

  it.each(DEPARTMENTS)(
    '%s: a request the gateway has held past the deadline gets DEPARTMENT_UNAVAILABLE without a call to the system',
    async (d) => {
      // just received, it is answered (and the circuit is closed: the refusal below is the time spent)
      const s = freshSubject();
      const onTime = await entities(d, s.uscc, 0);
      expect(onTime.body.errors).toBeUndefined();
      if (d !== 'customs' || s.customs) expect(onTime.body.data._entities[0][sectionOf(d)]).not.toBeNull();
      await stack.resetLegacy();

      const late = await entities(d, freshSubject().uscc, TIMEOUT_MS);
      expect(late.status).toBe(200);
      expect(late.body.data._entities[0][sectionOf(d)]).toBeNull();
      expect(late.body.errors?.map((e) => e.extensions)).toEqual([{ code: 'DEPARTMENT_UNAVAILABLE', department: departmentConstant(d) }]);
      expect(stack.standIns[d].stats().requests).toBe(0);
    },
  );

  it('charges the wait to a fetch about one subject, not to a batch job: a fetch about many keeps each batch its whole timeout', async () => {
    stack.standIns.tax.setFaults({ latencyMs: 300 });
    // waited 400 ms: one subject's look-up has 600 − 400 − 100 (reserve) = 100 ms left, too little
    const lone = await entities('tax', freshTaxpayer().uscc, 400);
    expect(lone.body.errors?.map((e) => e.extensions)).toEqual([{ code: 'DEPARTMENT_UNAVAILABLE', department: 'TAX' }]);
    // 25 subjects (two calls of 20) are a batch job, with its 600 ms from when it was asked
    stack.standIns.tax.reset();
    stack.standIns.tax.setFaults({ latencyMs: 300 });
    const batch = await entities('tax', Array.from({ length: 25 }, () => freshTaxpayer().uscc), 400);
    expect(batch.body.errors).toBeUndefined();
    expect(batch.body.data._entities.every((e) => e.tax !== null)).toBe(true);
    expect(stack.standIns.tax.stats().requests).toBe(2);
  });
});

describe('two dependent calls', () => {
  it("give each step its department's deadline: a slow but working customs (mapping, then the credit CSV) still answers", async () => {
    // each call takes 300 ms: both within one 600 ms deadline less the 100 ms reserve would not fit
    const s = freshCustomsSubject();
    stack.standIns.customs.setFaults({ latencyMs: 300 });
    const res = await stack.query(`{ subject(uscc: "${s.uscc}") { customs { creditClass } } }`, { token });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.subject.customs).toEqual({ creditClass: expect.any(String) });
    expect(stack.standIns.customs.stats().requests).toBe(2);
  });
});

describe.each(DEPARTMENTS)('%s', (d) => {
  it('hung: the request is still answered, the section null with DEPARTMENT_UNAVAILABLE, the rest intact', async () => {
    stack.standIns[d].setFaults({ down: true });
    await expectSectionUnavailable(d, freshSubject().uscc);
  });

  it('erroring: the section is null with DEPARTMENT_UNAVAILABLE, no legacy body leaks', async () => {
    stack.standIns[d].setFaults({ errorRate: 1 });
    await expectSectionUnavailable(d, freshSubject().uscc);
  });

  it('slower than its deadline: the section is null with DEPARTMENT_UNAVAILABLE', async () => {
    stack.standIns[d].setFaults({ latencyMs: TIMEOUT_MS + 500 });
    await expectSectionUnavailable(d, freshSubject().uscc);
  });

  it('failing after a fetch: serves the last known copy with source.stale and its fetchedAt', async () => {
    const s = freshSubject();
    const withSource = `{ subject(uscc: "${s.uscc}") { ${sectionProbe(d, 'source { stale fetchedAt }')} } }`;
    const fresh = await stack.query(withSource, { token });
    const section = fresh.body.data.subject[sectionOf(d)];
    if (section === null) return expect(d).toBe('customs'); // most enterprises have no customs record: nothing to go stale
    expect(section.source.stale).toBe(false);
    await new Promise((r) => setTimeout(r, 1100)); // past the 1 s TTL
    stack.standIns[d].setFaults({ errorRate: 1 });
    const stale = await stack.query(withSource, { token });
    expect(stale.body.errors).toBeUndefined();
    expect(stale.body.data.subject[sectionOf(d)].source).toEqual({ stale: true, fetchedAt: section.source.fetchedAt });
  });
});

describe('circuit breaker', () => {
  it('stops calling a failing department once open, and closes after it recovers', async () => {
    const d: Department = 'finance';
    stack.standIns[d].setFaults({ errorRate: 1 });
    for (let i = 0; i < 6; i++) await stack.query(profile(d, freshSubject().uscc), { token });
    stack.standIns[d].reset();
    stack.standIns[d].setFaults({ errorRate: 1 });
    await expectSectionUnavailable(d, freshSubject().uscc);
    expect(stack.standIns[d].stats().requests).toBe(0);

    stack.standIns[d].setFaults({ errorRate: 0 });
    await new Promise((r) => setTimeout(r, BREAKER_RESET_MS + 200));
    const res = await stack.query(profile(d, freshSubject().uscc), { token });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.subject.finance).not.toBeNull();
    expect(stack.standIns[d].stats().requests).toBeGreaterThan(0);
  });
});
