import { listsOf } from './harness/creditOracle';
import { sqlRows } from './harness/sqlRows';
import { startStack, type Stack } from './harness/stack';
import type { Subject } from '../legacy/world/types';

/** 信用承诺 over the real stack (issue 12): signed by the subject itself, public, audited. */

let stack: Stack;
let uscc: string;
let other: string;
let now = new Date('2026-09-29T02:00:00Z');
let listed: Subject; // on 严重违法失信企业 by one penalty alone
let penaltyOn: string; // the day that listing began

const SIGN = `mutation S($u: USCC!, $s: CheckScenario!, $t: String!) { signCommitment(uscc: $u, scenario: $s, text: $t) { id uscc scenario text signedAt } }`;

async function count(subject: string): Promise<number> {
  return (await sqlRows(stack.databaseUrl, `SELECT count(*)::int AS n FROM commitments WHERE uscc = $1`, [subject]))[0].n;
}

beforeAll(async () => {
  stack = await startStack({ clock: () => now });
  uscc = stack.world.subject(0).uscc;
  other = stack.world.subject(1).uscc;
  const serious = (s: Subject) => s.penalties.filter((p) => p.kind.includes('没收违法所得') && p.fineFen >= 10_000_000);
  const all = Array.from({ length: stack.world.size }, (_, i) => stack.world.subject(i));
  listed = all.find((s) => listsOf(s).join(',') === 'market.serious-violation' && s.abnormal.length === 0 && serious(s).length === 1)!;
  penaltyOn = serious(listed)[0].decidedOn;
});
afterAll(() => stack?.stop());

describe('signing a credit commitment', () => {
  it('is signed by the subject and listed on it for every consumer', async () => {
    const text = '本企业承诺所提交材料真实有效，如有失信行为自愿接受联合惩戒。';
    const res = await stack.query(SIGN, { token: await stack.token({ role: 'subject', subject: uscc }), variables: { u: uscc, s: 'BIDDING', t: text } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.signCommitment).toMatchObject({ uscc, scenario: 'BIDDING', text, signedAt: '2026-09-29T02:00:00.000Z' });
    const listed = await stack.query(`query($u: USCC!) { subject(uscc: $u) { commitments { id scenario text } } }`, {
      token: await stack.token({ role: 'public' }),
      variables: { u: uscc },
    });
    expect(listed.body.data.subject.commitments).toEqual([{ id: res.body.data.signCommitment.id, scenario: 'BIDDING', text }]);
  });

  it('refuses a commitment signed for another subject, or by anyone but a subject, with FORBIDDEN', async () => {
    const own = await stack.token({ role: 'subject', subject: uscc });
    const forOther = await stack.query(SIGN, { token: own, variables: { u: other, s: 'BIDDING', t: 'x' } });
    expect(forOther.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const byGovernment = await stack.query(SIGN, { token: await stack.token({ role: 'government' }), variables: { u: other, s: 'BIDDING', t: 'x' } });
    expect(byGovernment.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const empty = await stack.query(SIGN, { token: own, variables: { u: uscc, s: 'BIDDING', t: '  ' } });
    expect(empty.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count(other)).toBe(0);
    expect(await count(uscc)).toBe(1);
  });

  it('records the signing in the audit trail under the subject', async () => {
    const res = await stack.query(`query($u: USCC!) { auditTrail(filter: { uscc: $u, field: "Mutation.signCommitment" }) { nodes { decision consumer { role } } } }`, {
      token: await stack.token({ role: 'auditor' }),
      variables: { u: uscc },
    });
    expect(res.body.data.auditTrail.nodes).toContainEqual({ decision: 'GRANTED', consumer: { role: 'subject' } });
  });
});

describe('a commitment breached by a later black listing', () => {
  const READ = `query($u: USCC!) { subject(uscc: $u) { commitments { text signedAt breached breachedBy { list { id name } since } } } }`;
  const dayBefore = (day: string, days: number) => new Date(Date.parse(`${day}T02:00:00Z`) - days * 86_400_000);

  it('flags a commitment signed before the listing began, naming the listing, for every reader; not one signed after', async () => {
    const token = await stack.token({ role: 'subject', subject: listed.uscc });
    now = dayBefore(penaltyOn, 30);
    const before = await stack.query(SIGN, { token, variables: { u: listed.uscc, s: 'BIDDING', t: '承诺依法经营（列入前）' } });
    now = new Date('2026-09-29T02:00:00Z');
    const after = await stack.query(SIGN, { token, variables: { u: listed.uscc, s: 'PROCUREMENT', t: '承诺依法经营（列入后）' } });
    expect(before.body.errors).toBeUndefined();
    expect(after.body.errors).toBeUndefined();
    for (const reader of [await stack.token({ role: 'public' }), token, await stack.token({ role: 'government', org: 'procurement-center-3' })]) {
      const res = await stack.query(READ, { token: reader, variables: { u: listed.uscc } });
      const byText = Object.fromEntries(res.body.data.subject.commitments.map((c: { text: string }) => [c.text, c]));
      expect(byText['承诺依法经营（列入前）']).toMatchObject({ breached: true, breachedBy: [{ list: { id: 'market.serious-violation', name: '严重违法失信企业' }, since: penaltyOn }] });
      expect(byText['承诺依法经营（列入后）']).toMatchObject({ breached: false, breachedBy: [] });
    }
  });

  it('does not flag a commitment of a subject on no black list', async () => {
    const clean = Array.from({ length: 50 }, (_, i) => stack.world.subject(i + 2)).find((s) => listsOf(s).every((l) => l === 'tax.grade-a'))!;
    now = new Date('2001-01-01T02:00:00Z');
    try {
      const signed = await stack.query(SIGN, { token: await stack.token({ role: 'subject', subject: clean.uscc }), variables: { u: clean.uscc, s: 'HONORS', t: '承诺守信' } });
      expect(signed.body.errors).toBeUndefined();
    } finally {
      now = new Date('2026-09-29T02:00:00Z');
    }
    const res = await stack.query(READ, { token: await stack.token({ role: 'public' }), variables: { u: clean.uscc } });
    expect(res.body.data.subject.commitments).toEqual([expect.objectContaining({ breached: false, breachedBy: [] })]);
  });

  it('flags each subject by its own listings when one request reads several subjects', async () => {
    const clean = Array.from({ length: 50 }, (_, i) => stack.world.subject(i + 2)).find((s) => listsOf(s).every((l) => l === 'tax.grade-a'))!;
    const many = `query($a: USCC!, $b: USCC!) {
      a: subject(uscc: $a) { commitments { text breached breachedBy { list { id } } } }
      b: subject(uscc: $b) { commitments { text breached breachedBy { list { id } } } }
    }`;
    const res = await stack.query(many, { token: await stack.token({ role: 'public' }), variables: { a: clean.uscc, b: listed.uscc } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.a.commitments).toEqual([{ text: '承诺守信', breached: false, breachedBy: [] }]);
    const byText = Object.fromEntries(res.body.data.b.commitments.map((c: { text: string }) => [c.text, c]));
    expect(byText['承诺依法经营（列入前）']).toEqual({ text: '承诺依法经营（列入前）', breached: true, breachedBy: [{ list: { id: 'market.serious-violation' } }] });
    expect(byText['承诺依法经营（列入后）']).toMatchObject({ breached: false, breachedBy: [] });
  });
});
