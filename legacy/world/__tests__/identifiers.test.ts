import { createWorld } from '..';
import {
  checkCustomsCode,
  checkOrganizationCode,
  checkRegistrationNumber,
  composeUscc,
  oldTaxRegistrationNumber,
  parseRegistrationNumber,
  parseUscc,
  registrationNumberCheckDigit,
} from '../../../lib/ids';
import type { Subject } from '../types';

const SIZE = 5_000;
const world = createWorld({ size: SIZE, seed: 1 });
const subjects = Array.from({ length: SIZE }, (_, i) => world.subject(i));
const courtCode = (s: Subject): string => `${s.organizationCode.slice(0, 8)}-${s.organizationCode[8]}`;
const preReform = subjects.filter((s) => s.registrationNumber !== '');
const withCustoms = subjects.filter((s) => s.customs !== null);

describe('every identifier validates with lib/ids', () => {
  it('produces USCCs that parse, with the organization code in positions 9-17', () => {
    for (const s of subjects) {
      const uscc = parseUscc(s.uscc);
      expect(uscc.organizationCode).toBe(s.organizationCode);
      expect(checkOrganizationCode(courtCode(s)).ok).toBe(true);
    }
  });

  it('uses the new-style MA/MB/MJ bodies only after the reform and numeric bodies before it', () => {
    for (const s of subjects) expect(/^\d{8}/.test(s.organizationCode)).toBe(s.registeredBefore2015);
    const prefixes = new Set(subjects.filter((s) => !s.registeredBefore2015).map((s) => `${s.uscc.slice(0, 1)}:${s.organizationCode.slice(0, 2)}`));
    expect([...prefixes].sort()).toEqual(['1:MB', '5:MJ', '9:MA']);
  });

  it('gives a valid 注册号 to market subjects registered before 2015, and none to others', () => {
    for (const s of subjects) {
      if (s.registeredBefore2015 && s.enterprise) {
        const number = parseRegistrationNumber(s.registrationNumber);
        expect(number.authorityCode).toBe(s.uscc.slice(2, 8));
      } else {
        expect(s.registrationNumber).toBe('');
      }
    }
  });

  it('knows pre-2015 taxpayers by the old 税务登记号 and the others by their USCC', () => {
    for (const s of subjects) {
      if (!s.tax) continue;
      expect(s.tax.taxpayerId).toBe(s.registeredBefore2015 ? oldTaxRegistrationNumber(s.uscc) : s.uscc);
    }
  });

  it('produces valid customs codes whose district is the subject’s region', () => {
    expect(withCustoms.length).toBeGreaterThan(100);
    for (const s of withCustoms) {
      const code = checkCustomsCode(s.customs!.customsCode);
      expect(code.ok).toBe(true);
      if (code.ok) expect(code.value.districtCode.slice(0, 2)).toBe(s.uscc.slice(2, 4));
    }
  });

  it('never gives two subjects the same identifier', () => {
    const unique = (ids: string[]) => new Set(ids).size === ids.length;
    expect(unique(subjects.map((s) => s.uscc))).toBe(true);
    expect(unique(subjects.map((s) => s.organizationCode))).toBe(true);
    expect(unique(preReform.map((s) => s.registrationNumber))).toBe(true);
    expect(unique(withCustoms.map((s) => s.customs!.customsCode))).toBe(true);
  });
});

describe('reverse lookups round-trip', () => {
  it('finds every subject by its USCC', () => {
    for (const s of subjects) expect(world.findByUscc(s.uscc)?.index).toBe(s.index);
  });
  it('finds every subject by its organization code as courts write it', () => {
    for (const s of subjects) expect(world.findByOrganizationCode(courtCode(s))?.index).toBe(s.index);
  });
  it('finds every pre-2015 market subject by its 注册号', () => {
    expect(preReform.length).toBeGreaterThan(1_000);
    for (const s of preReform) expect(world.findByRegistrationNumber(s.registrationNumber)?.index).toBe(s.index);
  });
  it('finds every taxpayer by the 纳税人识别号 tax knows', () => {
    for (const s of subjects) if (s.tax) expect(world.findByTaxpayerId(s.tax.taxpayerId)?.index).toBe(s.index);
  });
  it('finds every customs-registered subject by its customs code', () => {
    for (const s of withCustoms) expect(world.findByCustomsCode(s.customs!.customsCode)?.index).toBe(s.index);
  });
});

describe('reverse lookups refuse near-misses', () => {
  const sample = subjects.slice(0, 300);

  it('refuses a USCC with another check character', () => {
    for (const s of sample) expect(world.findByUscc(s.uscc.slice(0, 17) + (s.uscc[17] === '0' ? '1' : '0'))).toBeUndefined();
  });

  it('refuses a valid USCC with the right organization code but another division', () => {
    for (const s of sample) {
      const division = s.uscc.slice(2, 8) === '110101' ? '110102' : '110101';
      const other = composeUscc({ registrationAuthority: s.uscc[0], entityType: s.uscc[1], divisionCode: division, organizationBody: s.organizationCode.slice(0, 8) });
      expect(world.findByUscc(other)).toBeUndefined();
    }
  });

  it('refuses a valid USCC with the right organization code but another entity type', () => {
    for (const s of sample) {
      const type = s.uscc[0] === '9' ? (s.uscc[1] === '1' ? '2' : '1') : s.uscc[1];
      const authority = s.uscc[0] === '9' ? '9' : 'Y';
      const other = composeUscc({ registrationAuthority: authority, entityType: authority === 'Y' ? '1' : type, divisionCode: s.uscc.slice(2, 8), organizationBody: s.organizationCode.slice(0, 8) });
      expect(world.findByUscc(other)).toBeUndefined();
    }
  });

  it('refuses an organization code with a wrong check character or without the hyphen', () => {
    for (const s of sample) {
      expect(world.findByOrganizationCode(`${s.organizationCode.slice(0, 8)}-${s.organizationCode[8] === '0' ? '1' : '0'}`)).toBeUndefined();
      expect(world.findByOrganizationCode(s.organizationCode)).toBeUndefined();
    }
  });

  it('refuses a valid 注册号 with another authority', () => {
    for (const s of preReform.slice(0, 300)) {
      const first14 = (s.registrationNumber.startsWith('110101') ? '110102' : '110101') + s.registrationNumber.slice(6, 14);
      const other = first14 + registrationNumberCheckDigit(first14);
      expect(checkRegistrationNumber(other).ok).toBe(true);
      expect(world.findByRegistrationNumber(other)).toBeUndefined();
    }
  });

  it('refuses a 注册号 for a subject registered after the reform (it has none)', () => {
    const post = subjects.find((s) => !s.registeredBefore2015 && s.enterprise)!;
    const decoded = preReform[0].registrationNumber;
    // the sequence of a post-reform subject's index decodes fine but the subject has no 注册号
    expect(world.findByRegistrationNumber(decoded)?.index).toBe(preReform[0].index);
    expect(world.findByRegistrationNumber(post.uscc.slice(2, 17))).toBeUndefined();
  });

  it('refuses the USCC of a pre-2015 taxpayer as 纳税人识别号, since tax knows only its old number', () => {
    const pre = subjects.filter((s) => s.registeredBefore2015 && s.tax).slice(0, 100);
    for (const s of pre) expect(world.findByTaxpayerId(s.uscc)).toBeUndefined();
    const post = subjects.filter((s) => !s.registeredBefore2015 && s.tax).slice(0, 100);
    for (const s of post) expect(world.findByTaxpayerId(oldTaxRegistrationNumber(s.uscc))).toBeUndefined();
  });

  it('refuses a customs code with another district', () => {
    for (const s of withCustoms) {
      const code = s.customs!.customsCode;
      expect(world.findByCustomsCode((code.startsWith('1101') ? '1102' : '1101') + code.slice(4))).toBeUndefined();
    }
  });

  it('refuses malformed input without throwing', () => {
    for (const bad of ['', 'x', '9'.repeat(18), 'MA2PBM9H-X', '0000000000', '000000000000000', undefined as unknown as string]) {
      expect(world.findByUscc(bad)).toBeUndefined();
      expect(world.findByOrganizationCode(bad)).toBeUndefined();
      expect(world.findByRegistrationNumber(bad)).toBeUndefined();
      expect(world.findByTaxpayerId(bad)).toBeUndefined();
      expect(world.findByCustomsCode(bad)).toBeUndefined();
    }
  });
});

describe('reverse lookups refuse codes of subjects beyond the world', () => {
  // the same seed at twice the size: indices SIZE.. exist there but not here
  const larger = createWorld({ size: SIZE * 2, seed: 1 });
  const beyond = Array.from({ length: 2_000 }, (_, i) => larger.subject(SIZE + i));

  it('refuses every kind of identifier of an index ≥ size', () => {
    for (const s of beyond) {
      expect(world.findByUscc(s.uscc)).toBeUndefined();
      expect(world.findByOrganizationCode(courtCode(s))).toBeUndefined();
      if (s.registrationNumber) expect(world.findByRegistrationNumber(s.registrationNumber)).toBeUndefined();
      if (s.tax) expect(world.findByTaxpayerId(s.tax.taxpayerId)).toBeUndefined();
      if (s.customs) expect(world.findByCustomsCode(s.customs.customsCode)).toBeUndefined();
    }
    expect(beyond.filter((s) => s.customs).length).toBeGreaterThan(20);
  });

  it('finds them in the larger world', () => {
    for (const s of beyond.slice(0, 200)) expect(larger.findByUscc(s.uscc)?.index).toBe(s.index);
  });
});
