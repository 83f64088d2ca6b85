import { createHash } from 'node:crypto';
import { parse, print, type FieldNode } from 'graphql';
import { AUDIT_USCC_ALIAS, rewriteOperation, roleClass } from '../operationRewrite';
import { access, schema } from './fieldAccessSchema';

/** The rewrite before planning: fields a role can never read removed, every Subject attributable. */

const rewrite = (query: string, role: 'public' | 'government' | 'bank' | 'subject', purpose: string | null = null) =>
  rewriteOperation(schema, parse(query), access, { role, purpose });
const printed = (query: string, role: 'public' | 'government' | 'bank' | 'subject', purpose: string | null = null) =>
  print(rewrite(query, role, purpose).document).replace(/\s+/g, ' ');
const removedNames = (query: string, role: 'public' | 'government' | 'bank') =>
  [...rewrite(query, role).removed].map((n: FieldNode) => n.alias?.value ?? n.name.value).sort();

describe('fields a role can never read', () => {
  it('are removed for that role, however they are reached: alias, fragment, inline fragment', () => {
    const query = `
      query { subject(uscc: "x") { loan: finance { loanBalance } ...F ... on Subject { customs { code: customsCode } } } }
      fragment F on Subject { finance { overdueDays } customs { customsCode creditClass } }`;
    expect(removedNames(query, 'public')).toEqual(['code', 'customsCode', 'finance', 'loan']);
    const out = printed(query, 'public');
    expect(out).not.toMatch(/finance|customsCode|loanBalance|overdueDays/);
    expect(out).toContain('creditClass');
  });

  it("keep a bank's FINANCING fields (consent is decided per subject) and a supervising government's", () => {
    const query = '{ subject(uscc: "x") { finance { loanBalance } } }';
    expect(removedNames(query, 'bank')).toEqual([]);
    expect(printed(query, 'government', 'financial-supervision')).toContain('loanBalance');
    expect(removedNames(query, 'government')).toEqual(['finance']);
  });

  it('are all kept for a subject token (SELF reads every class; the subgraph decides whose data it is)', () => {
    expect(rewrite('{ subject(uscc: "x") { finance { loanBalance } customs { customsCode } } }', 'subject').removed.size).toBe(0);
  });

  it('leave a selection set that became empty valid, with __typename', () => {
    expect(printed('{ subject(uscc: "x") { customs { customsCode } } }', 'public')).toMatch(/customs \{ __typename \}/);
  });
});

describe('attribution of every Subject', () => {
  it(`selects uscc as ${AUDIT_USCC_ALIAS} in every selection on Subject, also in fragments and lists`, () => {
    const out = printed(
      'query { a: subject(uscc: "x") { name } subjects(usccs: ["x"]) { ...F } } fragment F on Subject { name }',
      'government',
    );
    expect(out.match(new RegExp(`${AUDIT_USCC_ALIAS}: uscc`, 'g'))).toHaveLength(3);
  });

  it('adds nothing to selections on other types', () => {
    expect(printed('{ auditTrail(uscc: "x") }', 'government')).not.toContain(AUDIT_USCC_ALIAS);
  });
});

describe('the rewritten query hash and role classes', () => {
  it('hashes the rewritten text, so plans of different rewrites never share a cache entry', () => {
    const query = '{ subject(uscc: "x") { finance { loanBalance } } }';
    const pub = rewrite(query, 'public');
    expect(pub.queryHash).toBe(createHash('sha256').update(print(pub.document)).digest('hex'));
    expect(pub.queryHash).not.toBe(rewrite(query, 'bank').queryHash);
  });

  it('tells a supervising government apart from the rest of government, and no bank purpose apart', () => {
    expect(roleClass({ role: 'government', purpose: 'financial-supervision' })).not.toBe(roleClass({ role: 'government', purpose: null }));
    expect(roleClass({ role: 'bank', purpose: 'financing' })).toBe(roleClass({ role: 'bank', purpose: 'marketing' }));
  });
});
