import { DEPARTMENTS } from '../lib/departments';
import { SCENARIOS, type Scenario } from '../lib/credit/measures';
import { subjectWhere, subjectsWhere } from '../legacy/world/subjectsWhere';
import type { Subject } from '../legacy/world/types';
import { listsOf, verdictOf } from './harness/creditOracle';
import { startStack, type Stack } from './harness/stack';

/**
 * 信用核查 over the real stack (issue 11): for subjects chosen from the world for each list, the
 * lists and the verdict per scenario; red-list incentives; what a public consumer may learn; and
 * a 500-subject screen costing the legacy calls of `subjects(500)`.
 */

let stack: Stack;
let government: string;

beforeAll(async () => {
  // What these tests count is lists, verdicts and legacy calls, not speed: a 500-subject screen
  // on a busy 2-core machine must not miss a department's deadline (timing is the bench's).
  stack = await startStack({ env: Object.fromEntries(DEPARTMENTS.map((d) => [`${d.toUpperCase()}_TIMEOUT_MS`, '20000'])) });
  government = await stack.token({ role: 'government', org: 'service-hall-1' });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const CHECK = `query($u: USCC!, $s: CheckScenario!) { subject(uscc: $u) { creditCheck(scenario: $s) {
  id verdict missingDepartments listsNotChecked { id }
  listings { list { id kind } department since evidence { field value source { department system fetchedAt } } }
  measures { id effect text basis list { id } } } } }`;

async function check(uscc: string, scenario: Scenario, token = government) {
  const r = await stack.query(CHECK, { variables: { u: uscc, s: scenario }, token });
  expect(r.status).toBe(200);
  return r.body;
}

const ids = (xs: { id?: string; list?: { id: string } }[]) => xs.map((x) => x.list?.id ?? x.id).sort();
const scenarios = Object.keys(SCENARIOS) as Scenario[];

describe('a government check', () => {
  const LISTS = [
    'court.dishonest-debtor',
    'court.consumption-restriction',
    'tax.major-violation',
    'tax.grade-d',
    'market.serious-violation',
    'customs.dishonest',
    'tax.grade-a',
    'customs.advanced-certified',
  ];

  it.each(LISTS)('finds a subject of the world on %s, with every list it is on and the verdict of each scenario', async (list) => {
    const subject = subjectWhere(stack.world, (s) => listsOf(s).includes(list), `subjects on ${list}`);
    const expected = listsOf(subject);
    for (const scenario of scenarios) {
      const body = await check(subject.uscc, scenario);
      expect(body.errors).toBeUndefined();
      const result = body.data.subject.creditCheck;
      expect(ids(result.listings)).toEqual(expected);
      expect(result.verdict).toBe(verdictOf(expected, scenario));
      expect(result.missingDepartments).toEqual([]);
      expect(result.listsNotChecked).toEqual([]);
    }
  });

  it('passes a subject on no list, with no measure', async () => {
    const clean = subjectWhere(stack.world, (s) => !!s.enterprise && !!s.tax && listsOf(s).length === 0, 'subjects on no list');
    const result = (await check(clean.uscc, 'BIDDING')).data.subject.creditCheck;
    expect(result).toMatchObject({ verdict: 'PASS', listings: [], measures: [] });
  });

  it('shows each listing’s evidence with the department system it came from', async () => {
    const debtor = subjectWhere(stack.world, (s) => listsOf(s).includes('court.dishonest-debtor'));
    const result = (await check(debtor.uscc, 'PROCUREMENT')).data.subject.creditCheck;
    const listing = result.listings.find((l: { list: { id: string } }) => l.list.id === 'court.dishonest-debtor');
    const active = debtor.court.dishonest.filter((c) => c.status === '有效');
    expect(listing.department).toBe('COURT');
    expect(listing.since).toBe(active.map((c) => c.publishedOn).sort()[0]);
    const cases = listing.evidence.filter((e: { field: string }) => e.field === 'DishonestDebtorRecord.caseNumber').map((e: { value: string }) => e.value);
    expect(cases.sort()).toEqual(active.map((c) => c.caseNumber).sort());
    expect(listing.evidence[0].source).toMatchObject({ department: 'COURT', system: expect.any(String), fetchedAt: expect.any(String) });
    const refusal = result.measures.find((m: { list: { id: string } }) => m.list.id === 'court.dishonest-debtor');
    expect(refusal).toMatchObject({ effect: 'REFUSE', basis: expect.stringContaining('政府采购法') });
  });
});

describe('red lists (守信联合激励)', () => {
  it('give a subject on a red list and no black list PRIORITY measures (绿色通道, 容缺受理)', async () => {
    const red = subjectWhere(stack.world, (s) => {
      const lists = listsOf(s);
      return lists.length > 0 && lists.every((l) => l === 'tax.grade-a' || l === 'customs.advanced-certified');
    });
    const result = (await check(red.uscc, 'ADMINISTRATIVE_APPROVAL')).data.subject.creditCheck;
    expect(result.verdict).toBe('PASS');
    expect(result.measures.length).toBe(listsOf(red).length);
    for (const m of result.measures) expect(m).toMatchObject({ effect: 'PRIORITY', text: expect.stringContaining('绿色通道') });
  });

  it('withhold incentives from a subject also on a black list', async () => {
    const both = subjectWhere(stack.world, (s) => listsOf(s).includes('tax.grade-a') && listsOf(s).includes('court.dishonest-debtor'));
    const result = (await check(both.uscc, 'ADMINISTRATIVE_APPROVAL')).data.subject.creditCheck;
    expect(ids(result.listings)).toContain('tax.grade-a');
    expect(result.measures.map((m: { effect: string }) => m.effect)).not.toContain('PRIORITY');
  });
});

describe('a public consumer', () => {
  // tax D grades are GOVERNMENT data (only grade A is published)
  const gradeD = () => subjectWhere(stack.world, (s) => listsOf(s).join() === 'tax.grade-d', 'subjects on the D-grade list alone');

  it('cannot learn a GOVERNMENT listing through the check: the list is named as not checked, never as passed', async () => {
    const subject = gradeD();
    expect((await check(subject.uscc, 'FISCAL_SUPPORT')).data.subject.creditCheck.verdict).toBe('REFUSED');
    const token = await stack.token({ role: 'public', org: 'portal' });
    const body = await check(subject.uscc, 'FISCAL_SUPPORT', token);
    const result = body.data.subject.creditCheck;
    expect(ids(result.listsNotChecked)).toEqual(['tax.grade-d']);
    expect(result.listings).toEqual([]);
    // the tax subgraph refused the D grade in the @requires fetch: said at the subject, naming the field
    expect(body.errors).toContainEqual(
      expect.objectContaining({ path: ['subject'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }), message: expect.stringMatching(/^Not authorized to read tax\.rating\.grade of subject \w{18} \(fetched for a field this operation selects: creditCheck\)/) }),
    );
    // no grade other than the published A reaches the consumer, in data or in errors
    expect(JSON.stringify(body)).not.toMatch(/"grade":"[BMCD]"|"value":"[BMCD]"/);
  });

  it('still gets the public lists checked, with their evidence', async () => {
    const debtor = subjectWhere(stack.world, (s) => listsOf(s).includes('court.dishonest-debtor'));
    const token = await stack.token({ role: 'public', org: 'portal' });
    const result = (await check(debtor.uscc, 'BIDDING', token)).data.subject.creditCheck;
    expect(ids(result.listings)).toEqual(listsOf(debtor).filter((l) => l !== 'tax.grade-d'));
    expect(result.verdict).toBe('REFUSED');
  });
});

describe('a screen of many subjects (checkSubjects)', () => {
  const SECTIONS = `judicial { dishonestDebtor { caseNumber } consumptionRestrictions { caseNumber } }
    tax { majorViolations { nature } rating { year grade } } marketSupervision { abnormalOperations { reason } penalties { decisionNumber } } customs { creditClass }`;

  it('checks 500 bidders with the same legacy calls as subjects(500) reading the same sections', async () => {
    const bidders: Subject[] = subjectsWhere(stack.world, () => true, { count: 500, skip: 2000 });
    const usccs = bidders.map((s) => s.uscc);
    await stack.resetLegacy();
    const plain = await stack.query(`query($u: [USCC!]!) { subjects(usccs: $u) { ${SECTIONS} } }`, { variables: { u: usccs }, token: government });
    expect(plain.body.errors).toBeUndefined();
    const plainCalls = stack.legacyStats();
    await stack.resetLegacy();
    const screen = await stack.query(`query($u: [USCC!]!) { checkSubjects(usccs: $u, scenario: BIDDING) { uscc creditCheck(scenario: BIDDING) { verdict listings { list { id } } } } }`, {
      variables: { u: usccs },
      token: government,
    });
    expect(screen.body.errors).toBeUndefined();
    const screenCalls = stack.legacyStats();
    for (const d of Object.keys(plainCalls) as (keyof typeof plainCalls)[]) expect([d, screenCalls[d]]).toEqual([d, plainCalls[d]]);
    const checks = screen.body.data.checkSubjects;
    expect(checks.map((c: { uscc: string }) => c.uscc)).toEqual(usccs);
    bidders.forEach((b, i) => expect([b.uscc, ids(checks[i].creditCheck.listings)]).toEqual([b.uscc, listsOf(b)]));
  }, 120_000);

  it('counts toward the 500-subject limit with subjects', async () => {
    const usccs = subjectsWhere(stack.world, () => true, { count: 300 }).map((s) => s.uscc);
    const r = await stack.query(`query($u: [USCC!]!) { a: checkSubjects(usccs: $u, scenario: BIDDING) { uscc } b: subjects(usccs: $u) { uscc } }`, {
      variables: { u: usccs },
      token: government,
    });
    expect(r.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(r.body.data?.a ?? null).toBeNull();
  });
});
