import { Client } from 'pg';
import { startStack, type Stack } from './harness/stack';

/** 信用承诺 over the real stack (issue 12): signed by the subject itself, public, audited. */

let stack: Stack;
let uscc: string;
let other: string;

const SIGN = `mutation S($u: USCC!, $s: CheckScenario!, $t: String!) { signCommitment(uscc: $u, scenario: $s, text: $t) { id uscc scenario text signedAt } }`;

async function count(subject: string): Promise<number> {
  const c = new Client({ connectionString: stack.databaseUrl });
  await c.connect();
  try {
    return (await c.query(`SELECT count(*)::int AS n FROM commitments WHERE uscc = $1`, [subject])).rows[0].n;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  stack = await startStack({ clock: () => new Date('2026-09-29T02:00:00Z') });
  uscc = stack.world.subject(0).uscc;
  other = stack.world.subject(1).uscc;
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
