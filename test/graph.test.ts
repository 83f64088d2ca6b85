import { centsToDecimal } from '../lib/graphql/money';
import { parseUscc } from '../lib/ids';
import type { Subject } from '../legacy/world/types';
import { startStack, type Stack } from './harness/stack';
import { subjectWhere } from '../legacy/world';

/** The federated graph over the real stand-ins: roots from the platform, sections from departments. */

let stack: Stack;
let supervisor: string;

beforeAll(async () => {
  stack = await startStack();
  supervisor = await stack.token({ role: 'government', org: 'pbc-fuzhou', purpose: 'financial-supervision' });
});
afterAll(() => stack?.stop());

const findSubject = (predicate: (s: Subject) => boolean) => subjectWhere(stack.world, predicate);

describe('subject roots', () => {
  it('resolves kind, region and organization code from the code alone, with no legacy call', async () => {
    const s = stack.world.subject(3);
    await stack.resetLegacy();
    const { body } = await stack.query(`{ subject(uscc: "${s.uscc}") { uscc kind region { code name } organizationCode } }`, { token: supervisor });
    const parsed = parseUscc(s.uscc);
    expect(body.errors).toBeUndefined();
    expect(body.data.subject).toEqual({
      uscc: s.uscc,
      kind: parsed.kind,
      region: { code: parsed.region.code, name: parsed.region.name },
      organizationCode: parsed.organizationCodeFormatted,
    });
    const stats = stack.legacyStats();
    expect(Object.values(stats).reduce((n, x) => n + x.requests, 0)).toBe(0);
  });

  it('refuses a malformed code with BAD_USER_INPUT naming the rule, before any department is asked', async () => {
    await stack.resetLegacy();
    const good = stack.world.subject(5).uscc;
    const badCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const { body } = await stack.query(`{ subject(uscc: "${badCheck}") { finance { loanBalance } } }`, { token: supervisor });
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toMatch(/check/i);
    expect(stack.legacyStats().finance.requests).toBe(0);
  });

  it('refuses a malformed code passed as a variable inside a list', async () => {
    const { body } = await stack.query(`query Q($c: [USCC!]!) { subjects(usccs: $c) { uscc } }`, {
      token: supervisor,
      variables: { c: [stack.world.subject(1).uscc, '91350100M000100Y4'] },
    });
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toMatch(/18 characters/);
  });
});

describe('finance section', () => {
  it('returns the finance platform values normalized to yuan with provenance', async () => {
    const s = findSubject((x) => x.finance !== null && x.finance.overdueFen > 0);
    const { body } = await stack.query(
      `{ subject(uscc: "${s.uscc}") { finance { loanBalance overdueAmount overdueDays guaranteesGiven rating { agency grade ratedOn } source { department system stale fetchedAt } } } }`,
      { token: supervisor },
    );
    expect(body.errors).toBeUndefined();
    const f = s.finance!;
    expect(body.data.subject.finance).toMatchObject({
      loanBalance: centsToDecimal(f.loanBalanceFen),
      overdueAmount: centsToDecimal(f.overdueFen),
      overdueDays: f.overdueDays,
      guaranteesGiven: centsToDecimal(f.guaranteesFen),
      rating: { agency: f.ratingAgency, grade: f.ratingGrade, ratedOn: f.ratedOn },
      source: { department: 'FINANCE', stale: false },
    });
  });

  it('is null without error when the platform has no record', async () => {
    const s = findSubject((x) => x.finance === null);
    const { body } = await stack.query(`{ subject(uscc: "${s.uscc}") { uscc finance { loanBalance } } }`, { token: supervisor });
    expect(body.errors).toBeUndefined();
    expect(body.data.subject).toEqual({ uscc: s.uscc, finance: null });
  });

  it('answers 500 subjects in order with ⌈500/50⌉ = 10 finance calls', async () => {
    const usccs = Array.from({ length: 500 }, (_, i) => stack.world.subject(i * 7).uscc);
    await stack.resetLegacy();
    const { body } = await stack.query(`query Q($u: [USCC!]!) { subjects(usccs: $u) { uscc finance { loanBalance } } }`, {
      token: supervisor,
      variables: { u: usccs },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.subjects.map((s: { uscc: string }) => s.uscc)).toEqual(usccs);
    usccs.forEach((u, i) => {
      const f = stack.world.findByUscc(u)!.finance;
      expect(body.data.subjects[i].finance?.loanBalance ?? null).toBe(f ? centsToDecimal(f.loanBalanceFen) : null);
    });
    expect(stack.legacyStats().finance).toEqual({ requests: 10, keys: 500 });
  });
});
