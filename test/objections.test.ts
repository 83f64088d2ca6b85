import { listsOf } from './harness/creditOracle';
import { sqlRows } from './harness/sqlRows';
import { startStack, type Stack } from './harness/stack';
import type { Subject } from '../legacy/world/types';

/**
 * 异议处理 over the real stack (issue 12): the subject files against one of its records, the
 * owning department's handler decides, deadlines in working days on the mainland calendar. The
 * platform's clock is injected (StackOptions.clock) so a case is filed "on 2026-09-29", just
 * before the National Day week, whatever day the test runs.
 */

let stack: Stack;
let now = new Date('2026-09-29T02:00:00Z'); // 10:00 in Beijing, Tuesday before National Day
let a: Subject; // two penalties and a court case
let b: Subject; // another enterprise with a penalty
let c: Subject; // on 严重违法失信企业 by one penalty alone: the penalty is the check's evidence

const FILE = `mutation F($i: FileObjectionInput!) { fileObjection(input: $i) { id uscc department recordType recordRef dueOn dueOnBasis overdue status
  phase { __typename ... on ObjectionOpen { status } } } }`;
const DECIDE = `mutation D($i: DecideObjectionInput!) { decideObjection(input: $i) { id status overdue
  phase { __typename ... on ObjectionCorrected { correction decidedBy { org } } ... on ObjectionRejected { reasons } ... on ObjectionAccepted { note } }
  history { from to actor { id org role } at } } }`;

const rows = (sql: string, params: unknown[] = []) => sqlRows(stack.databaseUrl, sql, params);

const subjectToken = (s: Subject) => stack.token({ role: 'subject', subject: s.uscc });
const handler = (department: string) => stack.token({ role: 'government', org: `${department}-credit-office`, department });

function penaltyInput(s: Subject, i = 0, over: Record<string, unknown> = {}) {
  return { uscc: s.uscc, department: 'MARKET', recordRef: s.penalties[i].decisionNumber, field: 'AdministrativePenalty.fine', claim: 'the fine was reduced on review', evidence: '复议决定书 2026-031', ...over };
}

beforeAll(async () => {
  stack = await startStack({ clock: () => now });
  const subjects = Array.from({ length: stack.world.size }, (_, i) => stack.world.subject(i)).filter((s) => s.enterprise && s.uscc.startsWith('91'));
  a = subjects.find((s) => s.penalties.length >= 2 && s.court.enforcement.length > 0)!;
  b = subjects.find((s) => s !== a && s.penalties.length > 0)!;
  const serious = (s: Subject) => s.penalties.filter((p) => p.kind.includes('没收违法所得') && p.fineFen >= 10_000_000);
  c = subjects.find((s) => s !== a && s !== b && listsOf(s).join(',') === 'market.serious-violation' && serious(s).length === 1 && s.abnormal.length === 0)!;
  expect(a && b && c).toBeTruthy();
});
afterAll(() => stack?.stop());

describe('filing an objection', () => {
  let id: string;

  it('files against its own penalty on 2026-09-29, due 2026-10-12: after the National Day week, counting the 10-10 make-up Saturday', async () => {
    const res = await stack.query(FILE, { token: await subjectToken(a), variables: { i: penaltyInput(a) } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.fileObjection).toMatchObject({
      uscc: a.uscc,
      department: 'MARKET',
      recordType: 'AdministrativePenalty',
      recordRef: a.penalties[0].decisionNumber,
      dueOn: '2026-10-12',
      dueOnBasis: 'STATE_COUNCIL_SCHEDULE',
      overdue: false,
      status: 'OPEN',
      phase: { __typename: 'ObjectionOpen', status: 'OPEN' },
    });
    id = res.body.data.fileObjection.id;
  });

  it('flags the disputed record for every consumer who may see it, and only that record', async () => {
    const query = `query($u: USCC!) { subject(uscc: $u) { marketSupervision { penalties { decisionNumber dispute { id status dueOn } } } } }`;
    for (const token of [await stack.token({ role: 'public' }), await stack.token({ role: 'bank', org: 'bank-a' }), await subjectToken(a)]) {
      const res = await stack.query(query, { token, variables: { u: a.uscc } });
      const penalties = res.body.data.subject.marketSupervision.penalties as { decisionNumber: string; dispute: unknown }[];
      expect(penalties.find((p) => p.decisionNumber === a.penalties[0].decisionNumber)?.dispute).toEqual({ id, status: 'OPEN', dueOn: '2026-10-12' });
      expect(penalties.filter((p) => p.dispute !== null)).toHaveLength(1);
    }
    const other = await stack.query(query, { token: await stack.token({ role: 'public' }), variables: { u: b.uscc } });
    expect(other.body.data.subject.marketSupervision.penalties.every((p: { dispute: unknown }) => p.dispute === null)).toBe(true);
  });

  it('refuses a second open objection on the same record with CONFLICT, writing nothing', async () => {
    const res = await stack.query(FILE, { token: await subjectToken(a), variables: { i: penaltyInput(a, 0, { field: 'AdministrativePenalty.decidedOn' }) } });
    expect(res.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(await rows(`SELECT id FROM objections WHERE uscc = $1`, [a.uscc])).toHaveLength(1);
    expect(await rows(`SELECT seq FROM loop_events WHERE case_id = $1`, [id])).toHaveLength(1);
  });

  it("refuses another subject's record, and a filing for another subject, with FORBIDDEN", async () => {
    const token = await subjectToken(a);
    const foreignRecord = await stack.query(FILE, { token, variables: { i: penaltyInput(a, 0, { recordRef: b.penalties[0].decisionNumber }) } });
    expect(foreignRecord.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const foreignSubject = await stack.query(FILE, { token, variables: { i: penaltyInput(b) } });
    expect(foreignSubject.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const unknown = await stack.query(FILE, { token, variables: { i: penaltyInput(a, 0, { recordRef: '市监罚〔2099〕1号' }) } });
    expect(unknown.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await rows(`SELECT id FROM objections WHERE uscc = ANY($1)`, [[a.uscc, b.uscc]])).toHaveLength(1);
  });

  it('refuses a record type of another department, a field that is not the record’s, and empty claims with BAD_USER_INPUT', async () => {
    const token = await subjectToken(a);
    for (const over of [{ department: 'COURT' }, { field: 'AdministrativePenalty.nonsense' }, { field: 'AdministrativePenalty.dispute' }, { claim: '   ' }]) {
      const res = await stack.query(FILE, { token, variables: { i: penaltyInput(a, 1, over) } });
      expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await rows(`SELECT id FROM objections WHERE uscc = $1`, [a.uscc])).toHaveLength(1);
  });

  it('keeps the queue: overdue once the due day has passed, per department for handlers', async () => {
    const queue = `query($f: ObjectionFilter!) { objections(filter: $f) { id dueOn overdue } }`;
    now = new Date('2026-10-13T02:00:00Z');
    const market = await stack.query(queue, { token: await handler('market'), variables: { f: { overdue: true } } });
    expect(market.body.data.objections).toEqual([{ id, dueOn: '2026-10-12', overdue: true }]);
    const court = await stack.query(queue, { token: await handler('court'), variables: { f: {} } });
    expect(court.body.data.objections).toEqual([]);
    const snooping = await stack.query(queue, { token: await handler('court'), variables: { f: { department: 'MARKET' } } });
    expect(snooping.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const auditor = await stack.query(queue, { token: await stack.token({ role: 'auditor' }), variables: { f: { department: 'MARKET', status: 'OPEN' } } });
    expect(auditor.body.data.objections.map((o: { id: string }) => o.id)).toEqual([id]);
    now = new Date('2026-09-29T02:00:00Z');
  });

  it('refuses a handler of another department, and a handler naming another subject, with FORBIDDEN', async () => {
    const court = await stack.query(DECIDE, { token: await handler('court'), variables: { i: { id, uscc: a.uscc, decision: 'REJECTED', text: 'no' } } });
    expect(court.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const plain = await stack.query(DECIDE, { token: await stack.token({ role: 'government' }), variables: { i: { id, uscc: a.uscc, decision: 'ACCEPTED' } } });
    expect(plain.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const wrongSubject = await stack.query(DECIDE, { token: await handler('market'), variables: { i: { id, uscc: b.uscc, decision: 'ACCEPTED' } } });
    expect(wrongSubject.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await rows(`SELECT status FROM objections WHERE id = $1`, [id]))[0].status).toBe('OPEN');
  });

  it('is corrected by the market handler, who must say what changes; the flag goes, a second decision is CONFLICT', async () => {
    const token = await handler('market');
    const silent = await stack.query(DECIDE, { token, variables: { i: { id, uscc: a.uscc, decision: 'CORRECTED' } } });
    expect(silent.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const res = await stack.query(DECIDE, { token, variables: { i: { id, uscc: a.uscc, decision: 'CORRECTED', text: '罚款金额更正为 5000 元' } } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.decideObjection).toMatchObject({
      status: 'CORRECTED',
      phase: { __typename: 'ObjectionCorrected', correction: '罚款金额更正为 5000 元', decidedBy: { org: 'market-credit-office' } },
    });
    expect(res.body.data.decideObjection.history.map((e: { from: string | null; to: string; actor: { role: string } }) => [e.from, e.to, e.actor.role])).toEqual([
      [null, 'OPEN', 'subject'],
      ['OPEN', 'CORRECTED', 'government'],
    ]);
    const again = await stack.query(DECIDE, { token, variables: { i: { id, uscc: a.uscc, decision: 'REJECTED', text: 'second thoughts' } } });
    expect(again.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(await rows(`SELECT seq FROM loop_events WHERE case_id = $1`, [id])).toHaveLength(2);
    const flag = await stack.query(`query($u: USCC!) { subject(uscc: $u) { marketSupervision { penalties { dispute { id } } } } }`, {
      token: await stack.token({ role: 'public' }),
      variables: { u: a.uscc },
    });
    expect(flag.body.data.subject.marketSupervision.penalties.every((p: { dispute: unknown }) => p.dispute === null)).toBe(true);
  });

  it('walks accept (a penalty) and reject (a court case) too', async () => {
    const token = await subjectToken(a);
    const accepted = await stack.query(FILE, { token, variables: { i: penaltyInput(a, 1) } });
    const acceptedId = accepted.body.data.fileObjection.id;
    const ok = await stack.query(DECIDE, { token: await handler('market'), variables: { i: { id: acceptedId, uscc: a.uscc, decision: 'ACCEPTED' } } });
    expect(ok.body.data.decideObjection).toMatchObject({ status: 'ACCEPTED', phase: { __typename: 'ObjectionAccepted', note: null } });

    const caseNumber = a.court.enforcement[0].caseNumber;
    const filed = await stack.query(FILE, {
      token,
      variables: { i: { uscc: a.uscc, department: 'COURT', recordRef: caseNumber, field: 'EnforcementCase.amount', claim: 'paid in full', evidence: '银行回单 0042' } },
    });
    expect(filed.body.data.fileObjection).toMatchObject({ recordType: 'EnforcementCase', dueOn: '2026-10-12' });
    const courtFlag = await stack.query(`query($u: USCC!) { subject(uscc: $u) { judicial { enforcementCases { caseNumber dispute { status } } } } }`, {
      token: await stack.token({ role: 'public' }),
      variables: { u: a.uscc },
    });
    expect(courtFlag.body.data.subject.judicial.enforcementCases.find((c: { caseNumber: string }) => c.caseNumber === caseNumber).dispute).toEqual({ status: 'OPEN' });
    const rejected = await stack.query(DECIDE, {
      token: await handler('court'),
      variables: { i: { id: filed.body.data.fileObjection.id, uscc: a.uscc, decision: 'REJECTED', text: '回单金额不足以履行全部义务' } },
    });
    expect(rejected.body.data.decideObjection).toMatchObject({ status: 'REJECTED', phase: { reasons: '回单金额不足以履行全部义务' } });
  });

  it('files on 2026-12-28 with a provisional deadline in 2027 (a year the calendar package has no schedule for), never an error', async () => {
    now = new Date('2026-12-28T02:00:00Z');
    try {
      const res = await stack.query(FILE, { token: await subjectToken(b), variables: { i: penaltyInput(b) } });
      expect(res.body.errors).toBeUndefined();
      // 12-29..12-31, then 元旦 (Fri) and the weekend, 01-04, 01-05
      expect(res.body.data.fileObjection).toMatchObject({ dueOn: '2027-01-05', dueOnBasis: 'STATUTORY_DAYS_ONLY', status: 'OPEN' });
      const [row] = await rows('SELECT due_on::text AS due_on, due_provisional FROM objections WHERE id = $1', [res.body.data.fileObjection.id]);
      expect(row).toEqual({ due_on: '2027-01-05', due_provisional: true });
      const read = await stack.query('query($id: ID!) { objection(id: $id) { dueOn dueOnBasis } }', { token: await handler('market'), variables: { id: res.body.data.fileObjection.id } });
      expect(read.body.data.objection).toEqual({ dueOn: '2027-01-05', dueOnBasis: 'STATUTORY_DAYS_ONLY' });
    } finally {
      now = new Date('2026-09-29T02:00:00Z');
    }
  });

  it('records every transition in the audit trail under the subject', async () => {
    const res = await stack.query(
      `query($u: USCC!) { auditTrail(filter: { uscc: $u }, first: 100) { nodes { field decision consumer { role org } } } }`,
      { token: await stack.token({ role: 'auditor' }), variables: { u: a.uscc } },
    );
    const nodes = res.body.data.auditTrail.nodes as { field: string; decision: string; consumer: { role: string } }[];
    const granted = (field: string) => nodes.filter((n) => n.field === field && n.decision === 'GRANTED').length;
    expect(granted('Mutation.fileObjection')).toBe(3); // b's filing is under b
    expect(granted('Mutation.decideObjection')).toBe(3);
    // refusals are entries too (FORBIDDEN by the court handler)
    expect(nodes.some((n) => n.field === 'Mutation.decideObjection' && n.decision === 'DENIED')).toBe(true);
  });
});

describe('disputed evidence in the credit check', () => {
  const CHECK = `query($u: USCC!) { subject(uscc: $u) { creditCheck(scenario: PROCUREMENT) { listings { list { id } disputed
    evidence { field value dispute { id status dueOn } } } } } }`;
  const listing = async (token: string) => {
    const res = await stack.query(CHECK, { token, variables: { u: c.uscc } });
    // a public checker's refused tax grade is reported beside the check (README); the check stands
    expect(res.body.errors?.every((e: { extensions?: { code?: string } }) => e.extensions?.code === 'FORBIDDEN') ?? true).toBe(true);
    return res.body.data.subject.creditCheck.listings.find((l: { list: { id: string } }) => l.list.id === 'market.serious-violation');
  };

  it('names the open objection on each value of the disputed record, for every checker who sees the evidence, until it is decided', async () => {
    const penalty = c.penalties.find((p) => p.kind.includes('没收违法所得') && p.fineFen >= 10_000_000)!;
    const government = await stack.token({ role: 'government', org: 'procurement-center-2' });
    const before = await listing(government);
    expect(before.disputed).toBe(false);
    expect(before.evidence.every((e: { dispute: unknown }) => e.dispute === null)).toBe(true);

    const filed = await stack.query(FILE, { token: await subjectToken(c), variables: { i: penaltyInput(c, c.penalties.indexOf(penalty)) } });
    const id = filed.body.data.fileObjection.id;
    for (const token of [government, await stack.token({ role: 'public' }), await subjectToken(c)]) {
      const during = await listing(token);
      expect(during.disputed).toBe(true);
      expect(during.evidence.map((e: { field: string }) => e.field)).toContain('AdministrativePenalty.decisionNumber');
      expect(during.evidence.every((e: { dispute: unknown }) => JSON.stringify(e.dispute) === JSON.stringify({ id, status: 'OPEN', dueOn: '2026-10-12' }))).toBe(true);
    }

    await stack.query(DECIDE, { token: await handler('market'), variables: { i: { id, uscc: c.uscc, decision: 'REJECTED', text: '处罚决定已生效' } } });
    const after = await listing(government);
    expect(after.disputed).toBe(false);
    expect(after.evidence.every((e: { dispute: unknown }) => e.dispute === null)).toBe(true);
  });

  it('does not mark a listing for an objection to another record of the subject', async () => {
    const other = c.penalties.findIndex((p) => !(p.kind.includes('没收违法所得') && p.fineFen >= 10_000_000));
    if (other < 0) return expect(c.penalties).toHaveLength(1); // nothing else to object to
    const filed = await stack.query(FILE, { token: await subjectToken(c), variables: { i: penaltyInput(c, other) } });
    expect(filed.body.errors).toBeUndefined();
    const during = await listing(await stack.token({ role: 'government', org: 'procurement-center-2' }));
    expect(during.disputed).toBe(false);
  });
});
