import { checkCitizenId, citizenIdCheckCharacter, maskCitizenId, parseCitizenId, type IdentifierRule } from '..';

function expectRule(input: unknown, rule: IdentifierRule, message?: RegExp): void {
  const result = checkCitizenId(input);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.rule).toBe(rule);
  if (message) expect(result.error.message).toMatch(message);
}

/** A number with the given first 17 digits and a correct check character. */
const withCheck = (first17: string): string => first17 + citizenIdCheckCharacter(first17);

describe('valid citizen IDs', () => {
  it('accepts 11010519491231002X with its birth date, sex and region', () => {
    expect(parseCitizenId('11010519491231002X')).toMatchObject({
      divisionCode: '110105',
      regionName: '北京市朝阳区',
      birthDate: '1949-12-31',
      sex: 'female',
      checkCharacter: 'X',
    });
  });
  it('accepts 440524188001010014 although county 440524 has since been abolished', () => {
    expect(parseCitizenId('440524188001010014')).toMatchObject({ birthDate: '1880-01-01', sex: 'male', regionName: '广东省' });
  });
  it('accepts 29 February of a leap year', () => {
    expect(checkCitizenId(withCheck('35010219920229001')).ok).toBe(true);
  });
});

describe('invalid citizen IDs', () => {
  it('refuses a wrong check character, naming the expected one', () => {
    expectRule('110105194912310021', 'check', /check character is "1", expected "X"/);
  });
  it('refuses a day that does not exist', () => {
    expectRule(withCheck('11010519490231002'), 'date', /19490231 is not a calendar date/);
  });
  it('refuses 29 February of a year that is not a leap year', () => {
    expectRule(withCheck('11010519000229002'), 'date');
  });
  it('refuses month 13', () => {
    expectRule(withCheck('11010519491331002'), 'date');
  });
  it('refuses a birth date in the future', () => {
    expectRule(withCheck('11010530000101002'), 'date', /in the future/);
  });
  it('refuses an unknown province', () => {
    expectRule(withCheck('99010519491231002'), 'division', /province 99/);
  });
  it('refuses a lower-case x and says to write X', () => {
    expectRule('11010519491231002x', 'charset', /lower case is not accepted: write "X"/);
  });
  it('refuses X anywhere but the last position', () => {
    expectRule('X1010519491231002X', 'charset', /position 1 is "X", expected a digit/);
  });
  it('refuses a number that is too short (the old 15-digit form)', () => {
    expectRule('110105491231002', 'length', /18 characters, got 15/);
  });
  it('refuses a number that is too long', () => {
    expectRule('11010519491231002X1', 'length', /got 19/);
  });
  it('refuses the empty string', () => {
    expectRule('', 'length', /empty/);
  });
  it('refuses full-width digits', () => {
    expectRule('１1010519491231002X', 'charset', /full-width/);
  });
  it('refuses whitespace inside', () => {
    expectRule('110105 9491231002X', 'charset', /a space/);
  });
  it('refuses a non-string', () => {
    expectRule(undefined, 'type', /got undefined/);
  });
});

describe('maskCitizenId', () => {
  it('keeps the first 6 and last 4 characters, as public disclosure does', () => {
    expect(maskCitizenId('11010519491231002X')).toBe('110105********002X');
  });
  it('masks the old 15-digit form the same way', () => {
    expect(maskCitizenId('110105491231002')).toBe('110105*****1002');
  });
  it('masks anything else entirely', () => {
    expect(maskCitizenId('1101051949')).toBe('**********');
  });
});
