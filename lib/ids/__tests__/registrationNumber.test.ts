import { checkRegistrationNumber, parseRegistrationNumber, registrationNumberCheckDigit, type IdentifierRule } from '..';

function expectRule(input: unknown, rule: IdentifierRule, message?: RegExp): void {
  const result = checkRegistrationNumber(input);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.rule).toBe(rule);
  if (message) expect(result.error.message).toMatch(message);
}

describe('valid registration numbers (注册号)', () => {
  it('accepts 110108012660422 and exposes its parts', () => {
    expect(parseRegistrationNumber('110108012660422')).toEqual({
      code: '110108012660422',
      authorityCode: '110108',
      sequence: '01266042',
      checkDigit: '2',
    });
  });
  it('computes the ISO 7064 MOD 11,10 check digit', () => {
    expect(registrationNumberCheckDigit('11010801266042')).toBe('2');
  });
  it('accepts numbers of the national administration (authority 100000, no GB/T 2260 division)', () => {
    const first14 = '10000000001830';
    expect(checkRegistrationNumber(first14 + registrationNumberCheckDigit(first14)).ok).toBe(true);
  });
  it('produces a number that validates for every 14-digit prefix tried', () => {
    for (let i = 0; i < 200; i++) {
      const first14 = String(35010200000000 + i * 7919);
      expect(checkRegistrationNumber(first14 + registrationNumberCheckDigit(first14)).ok).toBe(true);
    }
  });
});

describe('invalid registration numbers', () => {
  it('refuses a wrong check digit, naming the expected one', () => {
    expectRule('110108012660423', 'check', /check digit is "3", expected "2"/);
  });
  it('refuses two swapped digits', () => {
    expectRule('110108021660422', 'check');
  });
  it('refuses a number that is too short', () => {
    expectRule('11010801266042', 'length', /got 14/);
  });
  it('refuses a number that is too long', () => {
    expectRule('1101080126604220', 'length', /got 16/);
  });
  it('refuses the empty string', () => {
    expectRule('', 'length', /empty/);
  });
  it('refuses letters', () => {
    expectRule('11010801266042X', 'charset', /position 15 is "X", expected a digit/);
  });
  it('refuses full-width digits', () => {
    expectRule('１10108012660422', 'charset', /full-width/);
  });
  it('refuses whitespace around it', () => {
    expectRule(' 110108012660422', 'length', /whitespace/);
  });
  it('refuses a number type', () => {
    expectRule(110108012660422, 'type');
  });
});
