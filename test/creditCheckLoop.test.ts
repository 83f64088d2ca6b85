import { DEPARTMENTS, departmentConstant, type Department } from '../lib/departments';
import { CREDIT_LISTS } from '../lib/credit/lists';
import type { Subject } from '../legacy/world/types';
import { subjectWhere } from '../legacy/world/subjectsWhere';
import { listsOf } from './harness/creditOracle';
import { startStack, type Stack } from './harness/stack';

/**
 * The credit check's loop over the real stack (issue 11): a department that does not answer, who
 * may check, the office's feedback (反馈), and the audit trail of what a check read.
 */

// short, so a hung department fails fast; a loaded machine may push another past it, so the
// tests ask that the hung one is named, not that it is named alone
const TIMEOUT_MS = 1000;
let stack: Stack;
let government: string;
let cursor = 0;

beforeAll(async () => {
  const env: Record<string, string> = { RESPONSE_RESERVE_MS: '100' };
  for (const d of DEPARTMENTS.map(departmentConstant)) {
    env[`${d}_TIMEOUT_MS`] = String(TIMEOUT_MS);
    env[`${d}_CACHE_TTL_SECONDS`] = '1';
  }
  stack = await startStack({ env });
  government = await stack.token({ role: 'government', org: 'procurement-office-7' });
}, 60_000);
afterAll(() => stack?.stop());
afterEach(() => stack.resetLegacy());

/** a subject no test asked about before (no cached answer), on no list */
function freshClean(extra: (s: Subject) => boolean): Subject {
  for (;;) {
    const s = stack.world.subject(cursor++);
    if (s.enterprise && s.tax && listsOf(s).length === 0 && extra(s)) return s;
  }
}

const CHECK = `query($u: USCC!, $s: CheckScenario!) { subject(uscc: $u) { creditCheck(scenario: $s) {
  id verdict missingDepartments listsUndetermined { id } listsNotChecked { id } listings { list { id } } measures { id effect } } } }`;

async function check(uscc: string, token = government, scenario = 'PROCUREMENT') {
  const r = await stack.query(CHECK, { variables: { u: uscc, s: scenario }, token });
  expect(r.status).toBe(200);
  return r.body;
}

describe('a department that does not answer', () => {
  // customs knows few subjects: a hung customs must not read as "no record" for one it does not know
  const SUBJECTS: Record<string, (s: Subject) => boolean> = { market: () => true, tax: () => true, court: () => true, customs: (s) => s.customs === null };

  it.each(Object.keys(SUBJECTS) as Department[])('%s hung: the check is INCOMPLETE naming it, never a PASS by omission', async (d) => {
    const subject = freshClean(SUBJECTS[d]!);
    stack.standIns[d].setFaults({ down: true });
    const body = await check(subject.uscc);
    const result = body.data.subject.creditCheck;
    expect(result.verdict).toBe('INCOMPLETE');
    expect(result.missingDepartments).toContain(departmentConstant(d));
    expect(result.listsUndetermined.map((l: { id: string }) => l.id)).toEqual(expect.arrayContaining(CREDIT_LISTS.filter((l) => l.department === d).map((l) => l.id)));
    expect(body.errors?.map((e) => e.extensions)).toContainEqual({ code: 'DEPARTMENT_UNAVAILABLE', department: departmentConstant(d) });
  });

  it('keeps a refusal it found while another department is missing', async () => {
    const debtor = subjectWhere(stack.world, (s) => listsOf(s).join() === 'court.dishonest-debtor' && s.tax !== null);
    stack.standIns.tax.setFaults({ down: true });
    const result = (await check(debtor.uscc)).data.subject.creditCheck;
    expect(result.verdict).toBe('REFUSED');
    expect(result.missingDepartments).toContain('TAX');
  });
});

describe('who may check', () => {
  const gradeD = () => subjectWhere(stack.world, (s) => listsOf(s).join() === 'tax.grade-d', 'subjects on the D-grade list alone');

  it('refuses a bank without the subject’s consent (CONSENT_REQUIRED) and checks every list it may read with it', async () => {
    const subject = gradeD();
    const bank = await stack.token({ role: 'bank', org: 'bank-credit-test', purpose: 'financing' });
    const refused = await check(subject.uscc, bank);
    expect(refused.data.subject.creditCheck).toBeNull();
    expect(refused.errors?.map((e) => e.extensions?.code)).toContain('CONSENT_REQUIRED');
    const self = await stack.token({ role: 'subject', subject: subject.uscc });
    const grant = await stack.query(`mutation($u: USCC!, $e: DateTime!) { grantConsent(input: { subject: $u, grantee: "bank-credit-test", purpose: "financing", expiresAt: $e }) { id } }`, {
      variables: { u: subject.uscc, e: new Date(Date.now() + 30 * 86_400_000).toISOString() },
      token: self,
    });
    expect(grant.body.errors).toBeUndefined();
    const result = (await check(subject.uscc, bank, 'FISCAL_SUPPORT')).data.subject.creditCheck;
    // FINANCING reads tax grades: the D-grade list is part of a consented bank's check
    expect(result).toMatchObject({ verdict: 'REFUSED', listsNotChecked: [], listings: [{ list: { id: 'tax.grade-d' } }] });
  });

  it('lets the subject check itself, and no other subject', async () => {
    const subject = gradeD();
    const self = await stack.token({ role: 'subject', subject: subject.uscc });
    expect((await check(subject.uscc, self, 'FISCAL_SUPPORT')).data.subject.creditCheck.verdict).toBe('REFUSED');
    const other = freshClean(() => true);
    const body = await check(other.uscc, self);
    expect(body.data.subject?.creditCheck ?? null).toBeNull();
    expect(body.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
  });

  it('refuses auditors, who read recorded checks instead', async () => {
    const auditor = await stack.token({ role: 'auditor', org: 'audit-office' });
    const body = await check(freshClean(() => true).uscc, auditor);
    expect(body.data.subject.creditCheck).toBeNull();
    expect(new Set(body.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['FORBIDDEN']));
  });
});

const RECORD = `mutation($c: ID!, $m: ID!, $o: MeasureOutcome!, $n: String) { recordMeasure(checkId: $c, measure: $m, outcome: $o, note: $n) { id measure outcome note recordedBy { org } } }`;
const CHECKS = `query($f: CreditCheckFilter!) { creditChecks(filter: $f) { id subject scenario verdict checker { org role } lists { id } measures { id }
  feedback { measure outcome note recordedBy { org } } } }`;

describe('feedback (反馈)', () => {
  it('is recorded by the checking office and visible to auditors and to the subject', async () => {
    const debtor = subjectWhere(stack.world, (s) => listsOf(s).join() === 'court.dishonest-debtor');
    const result = (await check(debtor.uscc)).data.subject.creditCheck;
    const measure = result.measures[0].id;
    const recorded = await stack.query(RECORD, { variables: { c: result.id, m: measure, o: 'APPLIED', n: '已拒绝其参与本次采购' }, token: government });
    expect(recorded.body.data.recordMeasure).toMatchObject({ measure, outcome: 'APPLIED', recordedBy: { org: 'procurement-office-7' } });

    const expected = {
      id: result.id,
      subject: debtor.uscc,
      scenario: 'PROCUREMENT',
      verdict: 'REFUSED',
      checker: { org: 'procurement-office-7', role: 'government' },
      lists: [{ id: 'court.dishonest-debtor' }],
      measures: [{ id: measure }],
      feedback: [{ measure, outcome: 'APPLIED', note: '已拒绝其参与本次采购', recordedBy: { org: 'procurement-office-7' } }],
    };
    const self = await stack.token({ role: 'subject', subject: debtor.uscc });
    const mine = await stack.query(CHECKS, { variables: { f: {} }, token: self });
    expect(mine.body.data.creditChecks).toContainEqual(expected);
    expect(mine.body.data.creditChecks.every((c: { subject: string }) => c.subject === debtor.uscc)).toBe(true);
    const auditor = await stack.token({ role: 'auditor', org: 'audit-office' });
    const audited = await stack.query(CHECKS, { variables: { f: { checkerOrg: 'procurement-office-7', id: result.id } }, token: auditor });
    expect(audited.body.data.creditChecks).toEqual([expected]);
  });

  it('is refused from another office, for a measure the check did not apply, and to readers other than auditors and the subject', async () => {
    const debtor = subjectWhere(stack.world, (s) => listsOf(s).join() === 'court.dishonest-debtor');
    const result = (await check(debtor.uscc)).data.subject.creditCheck;
    const otherOffice = await stack.token({ role: 'government', org: 'another-office' });
    const foreign = await stack.query(RECORD, { variables: { c: result.id, m: result.measures[0].id, o: 'APPLIED' }, token: otherOffice });
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await stack.query(RECORD, { variables: { c: result.id, m: 'tax.grade-a/PROCUREMENT', o: 'APPLIED' }, token: government });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    for (const token of [government, await stack.token({ role: 'public' })]) {
      const read = await stack.query(CHECKS, { variables: { f: { uscc: debtor.uscc } }, token });
      expect(read.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});

const TRAIL = `query($f: AuditFilter!) { auditTrail(filter: $f, first: 200) { nodes { field decision reason consumer { org } } } }`;

describe('the audit trail of a check', () => {
  it('records every field the check read, as if selected, under the check id', async () => {
    const debtor = subjectWhere(stack.world, (s) => listsOf(s).join() === 'court.dishonest-debtor');
    const { id } = (await check(debtor.uscc)).data.subject.creditCheck;
    const auditor = await stack.token({ role: 'auditor', org: 'audit-office' });
    const trail = await stack.query(TRAIL, { variables: { f: { uscc: debtor.uscc, consumerOrg: 'procurement-office-7' } }, token: auditor });
    expect(trail.body.errors).toBeUndefined();
    const reads = trail.body.data.auditTrail.nodes.filter((n: { reason: string | null }) => n.reason?.includes(`creditCheck:${id}`));
    const fields = reads.map((n: { field: string }) => n.field);
    for (const f of ['Subject.judicial', 'JudicialProfile.dishonestDebtor', 'DishonestDebtorRecord.caseNumber', 'DishonestDebtorRecord.status', 'Subject.tax', 'TaxRating.grade', 'Subject.customsAnswered']) {
      expect(fields).toContain(f);
    }
    expect(reads.every((n: { decision: string }) => n.decision === 'GRANTED')).toBe(true);
  });

  it('records nothing as read from a department that did not answer: its section was never delivered', async () => {
    const subject = freshClean(() => true);
    stack.standIns.court.setFaults({ down: true });
    const { id, verdict } = (await check(subject.uscc)).data.subject.creditCheck;
    expect(verdict).toBe('INCOMPLETE');
    const auditor = await stack.token({ role: 'auditor', org: 'audit-office' });
    const trail = await stack.query(TRAIL, { variables: { f: { uscc: subject.uscc, consumerOrg: 'procurement-office-7' } }, token: auditor });
    const fields = trail.body.data.auditTrail.nodes
      .filter((n: { reason: string | null }) => n.reason?.includes(`creditCheck:${id}`))
      .map((n: { field: string; decision: string }) => `${n.field} ${n.decision}`);
    // the other departments' reads are there, and that the court did not answer (courtAnswered
    // false was read); none of the court's records
    expect(fields).toContain('Subject.taxAnswered GRANTED');
    expect(fields).toContain('Subject.courtAnswered GRANTED');
    expect(fields.filter((f: string) => /^(Subject\.judicial|JudicialProfile\.|DishonestDebtorRecord\.|ConsumptionRestriction)/.test(f))).toEqual([]);
  });

  it('records a public consumer’s refused reads as DENIED under the check id', async () => {
    const subject = subjectWhere(stack.world, (s) => listsOf(s).join() === 'tax.grade-d');
    const token = await stack.token({ role: 'public', org: 'portal-audit' });
    const { id } = (await check(subject.uscc, token)).data.subject.creditCheck;
    const auditor = await stack.token({ role: 'auditor', org: 'audit-office' });
    const trail = await stack.query(TRAIL, { variables: { f: { uscc: subject.uscc, consumerOrg: 'portal-audit', field: 'TaxRating.grade' } }, token: auditor });
    expect(trail.body.data.auditTrail.nodes).toContainEqual({ field: 'TaxRating.grade', decision: 'DENIED', reason: `FORBIDDEN creditCheck:${id}`, consumer: { org: 'portal-audit' } });
  });
});
