import { checkOrganizationCode, formatOrganizationCode, organizationCodeCheckCharacter, parseOrganizationCode, type IdentifierRule } from '..';

function expectRule(input: unknown, rule: IdentifierRule, message?: RegExp): void {
  const result = checkOrganizationCode(input);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.rule).toBe(rule);
  expect(result.error.identifier).toBe('ORGANIZATION_CODE');
  if (message) expect(result.error.message).toMatch(message);
}

describe('valid organization codes', () => {
  it.each(['MA2PBM9H-X', 'MA2PBM9HX', '60003734-1', '55138508-2', '40135908-1', 'M000100Y-4'])('accepts %s', (code) => {
    const parsed = parseOrganizationCode(code);
    expect(parsed.formatted).toBe(code.length === 10 ? code : formatOrganizationCode(code));
    expect(parsed.code).toBe(code.replace('-', ''));
  });
  it('accepts letters USCC never uses, because GB 11714 uses the full alphabet', () => {
    const body = 'OZSVI123';
    expect(parseOrganizationCode(`${body}-${organizationCodeCheckCharacter(body)}`).body).toBe(body);
  });
  it('maps a check value of 10 to X and 11 to 0', () => {
    expect(organizationCodeCheckCharacter('MA2PBM9H')).toBe('X');
    const zeroBody = Array.from({ length: 1000 }, (_, i) => String(10_000_000 + i)).find((b) => organizationCodeCheckCharacter(b) === '0');
    expect(zeroBody).toMatch(/^\d{8}$/);
    expect(parseOrganizationCode(`${zeroBody}-0`).checkCharacter).toBe('0');
  });
});

describe('invalid organization codes', () => {
  it('refuses a wrong check character, naming the expected one', () => {
    expectRule('MA2PBM9H-1', 'check', /check character is "1", expected "X" \(GB 11714-1997\)/);
  });
  it('refuses a code that is too short', () => {
    expectRule('MA2PBM9H', 'length', /got 8/);
  });
  it('refuses a code that is too long', () => {
    expectRule('MA2PBM9H--X', 'length', /got 11/);
  });
  it('refuses the empty string', () => {
    expectRule('', 'length', /empty/);
  });
  it('refuses a separator other than the hyphen', () => {
    expectRule('MA2PBM9H_X', 'format', /position 9 is "_", expected the hyphen/);
  });
  it('refuses a full-width hyphen as separator', () => {
    expectRule('MA2PBM9H－X', 'format', /U\+FF0D/);
  });
  it('refuses lower case', () => {
    expectRule('ma2pbm9h-x', 'charset', /lower case is not accepted/);
  });
  it('refuses a check character other than a digit or X', () => {
    expectRule('MA2PBM9H-A', 'charset', /check character 0-9 or X/);
  });
  it('refuses full-width digits', () => {
    expectRule('６0003734-1', 'charset', /full-width/);
  });
  it('refuses whitespace inside', () => {
    expectRule('6000 734-1', 'charset', /a space/);
  });
  it('refuses a non-string', () => {
    expectRule(60003734, 'type', /must be a string, got a number/);
  });
  it('refuses to compute a check character for a malformed body', () => {
    expect(() => organizationCodeCheckCharacter('MA2PBM9')).toThrow(/8 characters/);
    expect(() => organizationCodeCheckCharacter('ma2pbm9h')).toThrow(/lower case/);
  });
});
