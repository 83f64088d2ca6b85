import { checkCustomsCode, parseCustomsCode, type IdentifierRule } from '..';

function expectRule(input: unknown, rule: IdentifierRule, message?: RegExp): void {
  const result = checkCustomsCode(input);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.rule).toBe(rule);
  if (message) expect(result.error.message).toMatch(message);
}

describe('valid customs codes (海关编码)', () => {
  it('accepts ten digits and exposes district, economic zone, enterprise type and sequence', () => {
    expect(parseCustomsCode('3501961234')).toEqual({
      code: '3501961234',
      districtCode: '3501',
      economicZone: '9',
      enterpriseType: '6',
      sequence: '1234',
      provinceName: '福建省',
    });
  });
});

describe('invalid customs codes', () => {
  it('refuses nine digits', () => {
    expectRule('350196123', 'length', /10 digits, got 9/);
  });
  it('refuses eleven digits', () => {
    expectRule('35019612345', 'length', /got 11/);
  });
  it('refuses the empty string', () => {
    expectRule('', 'length', /empty/);
  });
  it('refuses letters', () => {
    expectRule('35019612A4', 'charset', /position 9 is "A"/);
  });
  it('refuses full-width digits', () => {
    expectRule('３501961234', 'charset', /full-width/);
  });
  it('refuses whitespace inside', () => {
    expectRule('3501 61234', 'charset', /a space/);
  });
  it('refuses a district in a province GB/T 2260 does not define', () => {
    expectRule('9901961234', 'division', /province 99/);
  });
  it('refuses a non-string', () => {
    expectRule(3501961234, 'type');
  });
});
