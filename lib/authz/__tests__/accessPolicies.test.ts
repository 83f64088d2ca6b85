import { parse } from 'graphql';
import { collectAccessPolicies } from '../accessPolicies';

/** The classification is read from SDL once; a malformed declaration stops the process at start. */

describe('collectAccessPolicies', () => {
  it('reads OR-of-AND policies per field coordinate, on objects, extensions and interfaces', () => {
    const map = collectAccessPolicies(
      parse(`
        type TaxProfile { rating: [Int] @access(policies: [["GOVERNMENT"], ["FINANCING"], ["PUBLISHED_TAX_GRADE_A"]]) arrears: [Int] }
        extend type Subject { finance: Int @access(policies: [["GOVERNMENT", "FINANCING"]]) }
        interface Section { source: Int @access(policies: [["PUBLIC"]]) }
      `),
    );
    expect(Object.fromEntries(map)).toEqual({
      'TaxProfile.rating': [['GOVERNMENT'], ['FINANCING'], ['PUBLISHED_TAX_GRADE_A']],
      'Subject.finance': [['GOVERNMENT', 'FINANCING']],
      'Section.source': [['PUBLIC']],
    });
  });

  it("gives a type's own @access to its fields without one, and lets a field's own win", () => {
    const map = collectAccessPolicies(parse(`type FinanceProfile @access(policies: [["FINANCING"]]) { loanBalance: Int rating: Int @access(policies: [["PUBLIC"]]) }`));
    expect(map.get('FinanceProfile.loanBalance')).toEqual([['FINANCING']]);
    expect(map.get('FinanceProfile.rating')).toEqual([['PUBLIC']]);
  });

  it('leaves undeclared fields out of the map', () => {
    expect(collectAccessPolicies(parse('type Query { subject: Int }')).has('Query.subject')).toBe(false);
  });

  it.each([
    ['an unknown policy name', '@access(policies: [["FINANCE"]])'],
    ['an empty OR list', '@access(policies: [])'],
    ['an empty AND list', '@access(policies: [[]])'],
    ['a flat list', '@access(policies: ["PUBLIC"])'],
    ['a non-string name', '@access(policies: [[PUBLIC]])'],
    ['no policies argument', '@access'],
  ])('refuses %s naming the field and the accepted form', (_case, directive) => {
    expect(() => collectAccessPolicies(parse(`type Customs { customsCode: String ${directive} }`))).toThrow(
      /^@access on Customs\.customsCode must be @access\(policies: \[\[String!\]!\]!\) with names from AUTHENTICATED, PUBLIC/,
    );
  });
});
