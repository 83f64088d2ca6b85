import {
  IdentifierError,
  SUBJECT_KINDS,
  USCC_ENTITY_TYPES,
  checkUscc,
  composeUscc,
  courtOrganizationCode,
  oldTaxRegistrationNumber,
  parseUscc,
  usccCheckCharacter,
  type IdentifierRule,
} from '..';

/** Replaces the character at 1-based `position` and, unless told otherwise, recomputes both check characters. */
function withCharacter(code: string, position: number, ch: string): string {
  return code.slice(0, position - 1) + ch + code.slice(position);
}

function refusal(input: unknown): IdentifierError {
  const result = checkUscc(input);
  if (result.ok) throw new Error(`expected ${String(input)} to be refused`);
  return result.error;
}

function expectRule(input: unknown, rule: IdentifierRule, message?: RegExp): IdentifierError {
  const error = refusal(input);
  expect(error).toBeInstanceOf(IdentifierError);
  expect(error.rule).toBe(rule);
  if (message) expect(error.message).toMatch(message);
  return error;
}

const VALID = '91350100M000100Y43';

describe('published USCCs', () => {
  it.each([
    ['91350100M000100Y43', 'ENTERPRISE', '福建省福州市', 'M000100Y-4', '350100M000100Y4'],
    ['91110000600037341L', 'ENTERPRISE', '北京市', '60003734-1', '110000600037341'],
    ['91110108551385082Q', 'ENTERPRISE', '北京市海淀区', '55138508-2', '110108551385082'],
    ['121200004013590816', 'PUBLIC_INSTITUTION', '天津市', '40135908-1', '120000401359081'],
    ['91340600MA2PBM9HXD', 'ENTERPRISE', '安徽省淮北市', 'MA2PBM9H-X', '340600MA2PBM9HX'],
  ])('parses %s with its kind, region, organization code and old tax number', (code, kind, regionName, orgCode, oldTax) => {
    const uscc = parseUscc(code);
    expect(uscc.code).toBe(code);
    expect(uscc.kind).toBe(kind);
    expect(uscc.region).toEqual({ code: code.slice(2, 8), name: regionName });
    expect(uscc.divisionCode).toBe(code.slice(2, 8));
    expect(uscc.organizationCode).toBe(orgCode.replace('-', ''));
    expect(uscc.organizationCodeFormatted).toBe(orgCode);
    expect(uscc.checkCharacter).toBe(code[17]);
    expect(oldTaxRegistrationNumber(code)).toBe(oldTax);
    expect(courtOrganizationCode(code)).toBe(orgCode);
  });

  it('exposes positions 1 and 2 with their GB 32100-2015 names', () => {
    expect(parseUscc('121200004013590816')).toMatchObject({
      registrationAuthority: '1',
      entityType: '2',
      registrationAuthorityName: '机构编制',
      entityTypeName: '事业单位',
    });
  });

  it('returns the parsed value from checkUscc on success', () => {
    expect(checkUscc(VALID)).toEqual({ ok: true, value: parseUscc(VALID) });
  });
});

describe('length', () => {
  it('refuses a code that is too short, naming the actual length', () => {
    expectRule(VALID.slice(0, 17), 'length', /USCC must have 18 characters, got 17/);
  });
  it('refuses a code that is too long, naming the actual length', () => {
    expectRule(`${VALID}3`, 'length', /got 19/);
  });
  it('refuses the empty string as empty', () => {
    expectRule('', 'length', /empty/);
  });
  it('refuses leading or trailing whitespace and says so', () => {
    expectRule(` ${VALID}`, 'length', /got 19 including leading or trailing whitespace/);
    expectRule(`${VALID}\n`, 'length', /got 19 including leading or trailing whitespace/);
  });
  it('counts an astral character as one character', () => {
    expectRule(`${VALID.slice(0, 16)}😀`, 'length', /got 17/);
  });
});

describe('character set', () => {
  it('refuses lower case and says lower case is not accepted', () => {
    const error = expectRule('91350100m000100y43', 'charset', /position 9 is lower-case "m", but lower case is not accepted: write "M"/);
    expect(error.position).toBe(9);
  });
  it.each(['I', 'O', 'Z', 'S', 'V'])('refuses the letter %s, which GB 32100-2015 never uses', (letter) => {
    expectRule(withCharacter(VALID, 10, letter), 'charset', new RegExp(`position 10 is "${letter}", a letter GB 32100-2015 never uses`));
  });
  it('refuses full-width digits, naming the offending position and the ASCII digit', () => {
    const error = expectRule('91３50100M000100Y43', 'charset', /position 3 is the full-width "３" \(U\+FF13\).*write "3"/);
    expect(error.position).toBe(3);
  });
  it('refuses a whole code typed in full-width digits and letters', () => {
    const fullWidth = Array.from(VALID, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).join('');
    expectRule(fullWidth, 'charset', /position 1 is the full-width/);
  });
  it('refuses a Cyrillic look-alike letter, naming it and its position', () => {
    expectRule('91350100\u041C000100Y43', 'charset', /position 9 is "М" \(U\+041C\), a Cyrillic letter that looks like the Latin "M"/);
  });
  it('refuses a Greek look-alike letter, naming it and its position', () => {
    expectRule('91350100M000100\u03A543', 'charset', /position 16 is "Υ" \(U\+03A5\), a Greek letter that looks like the Latin "Y"/);
  });
  it('refuses a Cyrillic О that looks like the digit 0', () => {
    expectRule('91350100M\u041E00100Y43', 'charset', /position 10 .*Cyrillic/);
  });
  it('refuses whitespace inside the code, naming it', () => {
    expectRule('91350100 M00100Y43', 'charset', /position 9 is a space \(U\+0020\)/);
  });
  it('refuses an ideographic space inside the code', () => {
    expectRule('91350100\u3000M00100Y43', 'charset', /ideographic/);
  });
  it('refuses punctuation such as a hyphen', () => {
    expectRule('91350100-M00100Y43', 'charset', /position 9 is "-", expected a digit or an upper-case letter/);
  });
});

describe('registration authority and entity type', () => {
  it('refuses an unknown registration authority', () => {
    expectRule(withCharacter(VALID, 1, 'B'), 'registrationAuthority', /registration authority \(position 1\) "B" is not defined/);
  });
  it('refuses an entity type the authority does not define (工商 has no 9)', () => {
    expectRule(withCharacter(VALID, 2, '9'), 'entityType', /entity type \(position 2\) "9" is not defined for registration authority 9 \(工商\).*expected one of 1 2 3/);
  });
  it('refuses a letter as entity type', () => {
    expectRule(withCharacter(VALID, 2, 'A'), 'entityType');
  });
  it('gives every defined pair a kind listed in SUBJECT_KINDS', () => {
    for (const definition of USCC_ENTITY_TYPES) expect(SUBJECT_KINDS).toContain(definition.kind);
    expect(new Set(USCC_ENTITY_TYPES.map((d) => d.kind))).toEqual(new Set(SUBJECT_KINDS));
  });
  it.each([
    ['5', '1', 'SOCIAL_ORGANIZATION'],
    ['5', '2', 'PRIVATE_NON_ENTERPRISE'],
    ['5', '3', 'FOUNDATION'],
    ['9', '2', 'INDIVIDUAL_BUSINESS'],
    ['9', '3', 'FARMERS_COOPERATIVE'],
    ['3', '1', 'LAW_FIRM'],
    ['A', '1', 'MILITARY'],
    ['N', '2', 'RURAL_COLLECTIVE'],
    ['Y', '1', 'OTHER'],
  ])('maps authority %s type %s to %s', (registrationAuthority, entityType, kind) => {
    const code = composeUscc({ registrationAuthority, entityType, divisionCode: '350102', organizationBody: 'MA2PBM9H' });
    expect(parseUscc(code).kind).toBe(kind);
  });
});

describe('division', () => {
  const compose = (divisionCode: string) => composeCheckedLike(VALID, { divisionCode });
  it('refuses a province GB/T 2260 does not define', () => {
    expectRule(compose('990100'), 'division', /province 99/);
  });
  it('refuses a prefecture GB/T 2260 does not define', () => {
    expectRule(compose('359900'), 'division', /prefecture 3599/);
  });
  it('refuses a county GB/T 2260 does not define', () => {
    expectRule(compose('350199'), 'division', /county-level division 350199/);
  });
  it('refuses letters in positions 3-8', () => {
    expectRule(compose('35A100'), 'division', /must be six digits/);
  });
  it('accepts province-, prefecture- and county-level codes with their full names', () => {
    expect(parseUscc(compose('350000')).region.name).toBe('福建省');
    expect(parseUscc(compose('350100')).region.name).toBe('福建省福州市');
    expect(parseUscc(compose('350102')).region.name).toBe('福建省福州市鼓楼区');
    expect(parseUscc(compose('110108')).region.name).toBe('北京市海淀区');
    expect(parseUscc(compose('441900')).region.name).toBe('广东省东莞市');
  });
});

describe('check characters', () => {
  it('refuses a wrong check character, naming the expected one', () => {
    const error = expectRule(withCharacter(VALID, 18, 'Y'), 'check', /USCC check character is "Y", expected "3" \(GB 32100-2015\)/);
    expect(error.position).toBe(18);
  });
  it('refuses a single-character typo through the check character', () => {
    expectRule(withCharacter(VALID, 12, '2'), 'check');
  });
  it('refuses a wrong embedded organization code check even when position 18 matches', () => {
    const first17 = `91350100M000100Y${'5'}`;
    const code = first17 + usccCheckCharacter(first17);
    expectRule(code, 'organizationCode', /organization code M000100Y-5 \(positions 9-17\) has check character "5", expected "4" \(GB 11714-1997\)/);
  });
  it('computes the check character of the first 17 characters', () => {
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(usccCheckCharacter('91340600MA2PBM9HX')).toBe('D');
  });
});

describe('input type', () => {
  it.each([[null], [undefined], [913501], [{}], [['91350100M000100Y43']]])('refuses the non-string %p', (input) => {
    expectRule(input, 'type', /must be a string/);
  });
  it('throws IdentifierError from parseUscc', () => {
    expect(() => parseUscc('x')).toThrow(IdentifierError);
  });
});

describe('messages', () => {
  it('never echo more than about 40 characters of the input', () => {
    const huge = expectRule('9'.repeat(1_000_000), 'length');
    expect(huge.message).toBe('USCC must have 18 characters, got 1000000');
  });
});

describe('composeUscc', () => {
  it('computes both check characters', () => {
    expect(composeUscc({ registrationAuthority: '9', entityType: '1', divisionCode: '340600', organizationBody: 'MA2PBM9H' })).toBe('91340600MA2PBM9HXD');
  });
  it('refuses parts that would make an invalid code', () => {
    expect(() => composeUscc({ registrationAuthority: '9', entityType: '9', divisionCode: '340600', organizationBody: 'MA2PBM9H' })).toThrow(/entity type/);
    expect(() => composeUscc({ registrationAuthority: '9', entityType: '1', divisionCode: '990600', organizationBody: 'MA2PBM9H' })).toThrow(/province 99/);
    expect(() => composeUscc({ registrationAuthority: '9', entityType: '1', divisionCode: '340600', organizationBody: 'MA2PBM9' })).toThrow(/8 characters/);
    expect(() => composeUscc({ registrationAuthority: '9', entityType: '1', divisionCode: '340600', organizationBody: 'MA2PBMOH' })).toThrow(/never uses/);
  });
});

describe('derived numbers', () => {
  it('refuses to derive an old tax number from an invalid USCC', () => {
    expect(() => oldTaxRegistrationNumber('91350100M000100Y44')).toThrow(IdentifierError);
  });
});

/** The valid code with its division replaced and both check characters recomputed. */
function composeCheckedLike(code: string, parts: { divisionCode: string }): string {
  const first17WithoutCheck = code.slice(0, 2) + parts.divisionCode + code.slice(8, 17);
  return first17WithoutCheck + computeLooseCheck(first17WithoutCheck);
}

/** Check character even for division digits the library would refuse (so only the division rule fails). */
function computeLooseCheck(first17: string): string {
  const charset = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = Array.from(first17).reduce((s, ch, i) => s + charset.indexOf(ch) * weights[i], 0);
  return charset[(31 - (sum % 31)) % 31];
}
