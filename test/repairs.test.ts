import { listsOf, verdictOf } from './harness/creditOracle';
import { sqlRows } from './harness/sqlRows';
import { startStack, type Stack } from './harness/stack';
import type { Subject } from '../legacy/world/types';

/**
 * 信用修复 over the real stack (issue 12): the subject applies for a listing the credit check shows
 * it, with a signed commitment; the designating department's handler approves or refuses; an
 * approved repair takes the listing out of the next credit check (an overlay; the market
 * stand-in's data is untouched). The platform's clock is injected so that "too early" can be
 * tried on a listing's real date; it runs on the real day otherwise, as the checks do.
 */

let stack: Stack;
let now: Date | null = null;
let a: Subject; // on 严重违法失信企业 alone, listed long ago: repaired
let b: Subject; // on 严重违法失信企业 alone: refused
let p: Subject; // on 严重违法失信企业 by a penalty only (its decidedOn is the listing's since)
let debtor: Subject; // 失信被执行人
let red: Subject; // 纳税信用A级 only
let clean: Subject; // on no list

const APPLY = `mutation A($i: ApplyForRepairInput!) { applyForRepair(input: $i) { id uscc status listedSince dueOn dueOnBasis overdue
  list { id repairable } department commitment { text repairId scenario } phase { __typename } history { from to actor { role } } } }`;
const DECIDE = `mutation D($i: DecideRepairInput!) { decideRepair(input: $i) { id status
  phase { __typename ... on RepairApproved { approvedOn decidedBy { org } note } ... on RepairRefused { reasons } }
  history { from to actor { org role } } } }`;
const CHECK = `query($u: USCC!) { subject(uscc: $u) { creditCheck(scenario: PROCUREMENT) { verdict listings { list { id } since }
  repairedListings { list { id } since repair { id approvedOn } } } } }`;
const LIST = 'market.serious-violation';
const COMMITMENT = '本企业已改正违法行为并履行相关义务，承诺今后依法诚信经营，如有违反自愿接受惩戒。';

const rows = (sql: string, params: unknown[] = []) => sqlRows(stack.databaseUrl, sql, params);
/** what the loop's tables hold for a subject: nothing may be half-written by a refused step */
const written = async (s: Subject) => ({
  repairs: (await rows(`SELECT status FROM repairs WHERE uscc = $1 ORDER BY applied_at`, [s.uscc])).map((r) => r.status),
  commitments: (await rows(`SELECT count(*)::int AS n FROM commitments WHERE uscc = $1`, [s.uscc]))[0].n,
  events: (await rows(`SELECT count(*)::int AS n FROM loop_events e JOIN repairs r ON r.id = e.case_id WHERE r.uscc = $1`, [s.uscc]))[0].n,
});

const self = (s: Subject) => stack.token({ role: 'subject', subject: s.uscc });
const handler = (department: string) => stack.token({ role: 'government', org: `${department}-credit-office`, department });
const input = (s: Subject, over: Record<string, unknown> = {}) => ({ uscc: s.uscc, listId: LIST, commitmentText: COMMITMENT, reason: '已缴清罚款并完成整改', ...over });
const check = async (s: Subject, token?: string) => (await stack.query(CHECK, { token: token ?? (await stack.token({ role: 'government', org: 'procurement-center-9' })), variables: { u: s.uscc } })).body.data.subject.creditCheck;

function marketDates(s: Subject, asOf: Date) {
  const threeYears = new Date(asOf.getTime());
  threeYears.setUTCFullYear(threeYears.getUTCFullYear() - 3);
  const old = threeYears.toISOString().slice(0, 10);
  return {
    abnormal: s.abnormal.filter((x) => x.removedOn === null && x.listedOn <= old).map((x) => x.listedOn),
    penalties: s.penalties.filter((x) => x.kind.includes('没收违法所得') && x.fineFen >= 10_000_000).map((x) => x.decidedOn),
  };
}

beforeAll(async () => {
  stack = await startStack({ clock: () => now ?? new Date() });
  const today = new Date();
  const all = Array.from({ length: stack.world.size }, (_, i) => stack.world.subject(i));
  const only = (lists: string[]) => all.filter((s) => listsOf(s, today).join(',') === lists.join(','));
  p = only([LIST]).find((s) => marketDates(s, today).abnormal.length === 0 && marketDates(s, today).penalties.length === 1)!;
  [a, b] = only([LIST]).filter((s) => s !== p);
  debtor = only(['court.dishonest-debtor'])[0];
  red = only(['tax.grade-a'])[0];
  clean = only([])[0];
  expect([a, b, p, debtor, red, clean].every(Boolean)).toBe(true);
});
afterAll(() => stack?.stop());

describe('applying for a repair and approving it', () => {
  let id: string;

  it('is applied for by the subject for a listing its check shows, with a signed commitment, due in 3 working days', async () => {
    const before = await check(a);
    expect(before.verdict).toBe(verdictOf([LIST], 'PROCUREMENT'));
    expect(before.verdict).not.toBe('PASS');
    const since = before.listings.find((l: { list: { id: string } }) => l.list.id === LIST).since;

    const res = await stack.query(APPLY, { token: await self(a), variables: { i: input(a) } });
    expect(res.body.errors).toBeUndefined();
    const repair = res.body.data.applyForRepair;
    expect(repair).toMatchObject({
      uscc: a.uscc,
      status: 'PENDING',
      listedSince: since,
      list: { id: LIST, repairable: true },
      department: 'MARKET',
      overdue: false,
      commitment: { text: COMMITMENT, repairId: repair.id, scenario: null },
      phase: { __typename: 'RepairPending' },
      history: [{ from: null, to: 'PENDING', actor: { role: 'subject' } }],
    });
    expect(repair.dueOn > new Date().toISOString().slice(0, 10)).toBe(true);
    id = repair.id;
    expect(await written(a)).toEqual({ repairs: ['PENDING'], commitments: 1, events: 1 });
    // the commitment is published with the subject's others
    const listed = await stack.query(`query($u: USCC!) { subject(uscc: $u) { commitments { text repairId } } }`, { token: await stack.token({ role: 'public' }), variables: { u: a.uscc } });
    expect(listed.body.data.subject.commitments).toEqual([{ text: COMMITMENT, repairId: id }]);
  });

  it('refuses a second open application for the same listing with CONFLICT, writing nothing', async () => {
    const res = await stack.query(APPLY, { token: await self(a), variables: { i: input(a, { reason: 'again' }) } });
    expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(res.body.errors?.[0].message).toMatch(/already open/);
    expect(await written(a)).toEqual({ repairs: ['PENDING'], commitments: 1, events: 1 });
  });

  it('refuses a handler of another department, the subject itself and a handler naming another subject with FORBIDDEN', async () => {
    for (const [token, uscc] of [
      [await handler('tax'), a.uscc],
      [await self(a), a.uscc],
      [await stack.token({ role: 'government', org: 'no-department' }), a.uscc],
      [await handler('market'), b.uscc],
    ] as const) {
      const res = await stack.query(DECIDE, { token, variables: { i: { id, uscc, decision: 'APPROVED' } } });
      expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    }
    expect(await written(a)).toEqual({ repairs: ['PENDING'], commitments: 1, events: 1 });
  });

  it('is approved by the market handler: the next credit check no longer lists it and the verdict changes; public display drops it', async () => {
    const res = await stack.query(DECIDE, { token: await handler('market'), variables: { i: { id, uscc: a.uscc, decision: 'APPROVED', text: '经核查已整改到位' } } });
    expect(res.body.errors).toBeUndefined();
    const today = new Date().toISOString().slice(0, 10);
    expect(res.body.data.decideRepair).toMatchObject({
      status: 'APPROVED',
      phase: { __typename: 'RepairApproved', decidedBy: { org: 'market-credit-office' }, note: '经核查已整改到位' },
      history: [{ from: null, to: 'PENDING' }, { from: 'PENDING', to: 'APPROVED', actor: { org: 'market-credit-office', role: 'government' } }],
    });
    const approvedOn = res.body.data.decideRepair.phase.approvedOn;
    expect([today, new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)]).toContain(approvedOn);

    const after = await check(a);
    expect(after.listings.map((l: { list: { id: string } }) => l.list.id)).not.toContain(LIST);
    expect(after.verdict).toBe(verdictOf([], 'PROCUREMENT'));
    expect(after.repairedListings).toEqual([{ list: { id: LIST }, since: expect.any(String), repair: { id, approvedOn } }]);
    const own = await check(a, await self(a));
    expect(own.repairedListings).toHaveLength(1);
    const shown = await check(a, await stack.token({ role: 'public' }));
    expect(shown.listings).toEqual([]);
    expect(shown.repairedListings).toEqual([]);
    expect(shown.verdict).toBe('PASS');
    // the department's own data is untouched: the record is still in the market section
    const section = await stack.query(`query($u: USCC!) { subject(uscc: $u) { marketSupervision { abnormalOperations { listedOn } penalties { decisionNumber } } } }`, {
      token: await stack.token({ role: 'public' }),
      variables: { u: a.uscc },
    });
    const market = section.body.data.subject.marketSupervision;
    expect(market.abnormalOperations.length + market.penalties.length).toBeGreaterThan(0);
  });

  it('refuses a decision out of order (a second decision) and a new application for the repaired listing with CONFLICT', async () => {
    const again = await stack.query(DECIDE, { token: await handler('market'), variables: { i: { id, uscc: a.uscc, decision: 'REFUSED', text: 'x' } } });
    expect(again.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    const reapply = await stack.query(APPLY, { token: await self(a), variables: { i: input(a) } });
    expect(reapply.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(reapply.body.errors?.[0].message).toMatch(/already repaired/);
    expect(await written(a)).toEqual({ repairs: ['APPROVED'], commitments: 1, events: 2 });
  });
});

describe('refusing a repair', () => {
  it('is refused by the market handler with reasons (required); the listing stays in the check', async () => {
    const applied = await stack.query(APPLY, { token: await self(b), variables: { i: input(b) } });
    const id = applied.body.data.applyForRepair.id;
    const noReasons = await stack.query(DECIDE, { token: await handler('market'), variables: { i: { id, uscc: b.uscc, decision: 'REFUSED' } } });
    expect(noReasons.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const refused = await stack.query(DECIDE, { token: await handler('market'), variables: { i: { id, uscc: b.uscc, decision: 'REFUSED', text: '罚款尚未缴清' } } });
    expect(refused.body.data.decideRepair).toMatchObject({ status: 'REFUSED', phase: { __typename: 'RepairRefused', reasons: '罚款尚未缴清' } });
    const after = await check(b);
    expect(after.listings.map((l: { list: { id: string } }) => l.list.id)).toContain(LIST);
    expect(after.repairedListings).toEqual([]);
    expect(after.verdict).toBe(verdictOf([LIST], 'PROCUREMENT'));
    expect(await written(b)).toEqual({ repairs: ['REFUSED'], commitments: 1, events: 2 });
  });
});

describe('applications refused', () => {
  it('refuses serious dishonesty (失信被执行人) as not repairable with FORBIDDEN, writing nothing', async () => {
    const res = await stack.query(APPLY, { token: await self(debtor), variables: { i: input(debtor, { listId: 'court.dishonest-debtor' }) } });
    expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(res.body.errors?.[0].message).toMatch(/^失信被执行人 \(court.dishonest-debtor\) cannot be repaired on application: /);
    expect(await written(debtor)).toEqual({ repairs: [], commitments: 0, events: 0 });
  });

  it('refuses a red list and an unknown list with BAD_USER_INPUT', async () => {
    const redList = await stack.query(APPLY, { token: await self(red), variables: { i: input(red, { listId: 'tax.grade-a' }) } });
    expect(redList.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const unknown = await stack.query(APPLY, { token: await self(red), variables: { i: input(red, { listId: 'market.nothing' }) } });
    expect(unknown.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await written(red)).toEqual({ repairs: [], commitments: 0, events: 0 });
  });

  it("refuses a listing the subject is not on, and another subject's listing, with FORBIDDEN", async () => {
    const notListed = await stack.query(APPLY, { token: await self(clean), variables: { i: input(clean) } });
    expect(notListed.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(notListed.body.errors?.[0].message).toMatch(/is not on 严重违法失信企业/);
    const foreign = await stack.query(APPLY, { token: await self(clean), variables: { i: input(p) } });
    expect(foreign.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await written(clean)).toEqual({ repairs: [], commitments: 0, events: 0 });
    expect(await written(p)).toEqual({ repairs: [], commitments: 0, events: 0 });
  });

  it('refuses an application before 12 months have passed since the listing, naming the day from which it may apply', async () => {
    const since = marketDates(p, new Date()).penalties[0];
    now = new Date(`${since}T02:00:00Z`);
    now.setUTCMonth(now.getUTCMonth() + 6);
    try {
      const res = await stack.query(APPLY, { token: await self(p), variables: { i: input(p) } });
      const from = new Date(`${since}T00:00:00Z`);
      from.setUTCMonth(from.getUTCMonth() + 12);
      expect(res.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect(res.body.errors?.[0].message).toContain(`apply from ${from.toISOString().slice(0, 10)}`);
    } finally {
      now = null;
    }
    expect(await written(p)).toEqual({ repairs: [], commitments: 0, events: 0 });
  });
});

describe('the queue and the audit trail', () => {
  it('shows the market queue to its handlers and every case to auditors, nobody else', async () => {
    const queue = `query($f: RepairFilter!) { repairs(filter: $f) { uscc status } }`;
    const market = await stack.query(queue, { token: await handler('market'), variables: { f: {} } });
    expect(market.body.data.repairs).toEqual(expect.arrayContaining([{ uscc: a.uscc, status: 'APPROVED' }, { uscc: b.uscc, status: 'REFUSED' }]));
    const tax = await stack.query(queue, { token: await handler('tax'), variables: { f: {} } });
    expect(tax.body.data.repairs).toEqual([]);
    const auditor = await stack.query(queue, { token: await stack.token({ role: 'auditor' }), variables: { f: { status: 'APPROVED' } } });
    expect(auditor.body.data.repairs).toEqual([{ uscc: a.uscc, status: 'APPROVED' }]);
    const otherDepartment = await stack.query(queue, { token: await handler('tax'), variables: { f: { department: 'MARKET' } } });
    expect(otherDepartment.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const publicQueue = await stack.query(queue, { token: await stack.token({ role: 'public' }), variables: { f: {} } });
    expect(publicQueue.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });

  it('records every transition in the audit trail under the subject, authorization refusals too', async () => {
    const trail = async (s: Subject) => {
      const res = await stack.query(`query($u: USCC!) { auditTrail(filter: { uscc: $u }, first: 200) { nodes { field decision } } }`, {
        token: await stack.token({ role: 'auditor' }),
        variables: { u: s.uscc },
      });
      const nodes = res.body.data.auditTrail.nodes as { field: string; decision: string }[];
      return (field: string, decision: string) => nodes.filter((n) => n.field === field && n.decision === decision).length;
    };
    const ofA = await trail(a);
    expect(ofA('Mutation.applyForRepair', 'GRANTED')).toBe(1);
    expect(ofA('Mutation.decideRepair', 'GRANTED')).toBe(1);
    expect(ofA('Mutation.decideRepair', 'DENIED')).toBe(3); // tax handler, the subject itself, a government token without department
    const ofB = await trail(b);
    expect(ofB('Mutation.applyForRepair', 'GRANTED')).toBe(1);
    expect(ofB('Mutation.decideRepair', 'GRANTED')).toBe(1);
    expect(ofB('Mutation.decideRepair', 'DENIED')).toBe(1); // the market handler naming b for a's case
  });
});
