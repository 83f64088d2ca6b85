import type { Consumer } from '../../auth/consumer';
import type { AccessPolicies, PolicyName } from '../accessPolicies';
import { decide, everReadable, needsConsent, requirement, type AccessFacts } from '../decide';

/**
 * SPEC §5's access rules, table-driven: every policy × reader (role, purpose, consent on file,
 * self or another subject) → GRANTED (G), FORBIDDEN (F) or CONSENT_REQUIRED (C). The same rules
 * over HTTP are in test/authorization.test.ts.
 */

const SELF = '91110101MAAL0CXK0M';
const OTHER = '91350100M000100Y43';

interface Reader {
  name: string;
  consumer: Consumer;
  /** the consent the subgraph found for the token's own purpose */
  consentId: string | null;
  /** the subject whose field is read */
  subject: string;
}

const consumer = (role: Consumer['role'], purpose: string | null = null, subject: string | null = null): Consumer => ({ id: `${role}-user`, org: `${role}-org`, role, purpose, subject });

const READERS: Reader[] = [
  { name: 'public', consumer: consumer('public'), consentId: null, subject: OTHER },
  { name: 'government', consumer: consumer('government'), consentId: null, subject: OTHER },
  { name: 'government supervising finance', consumer: consumer('government', 'financial-supervision'), consentId: null, subject: OTHER },
  { name: 'bank for financing with consent', consumer: consumer('bank', 'financing'), consentId: 'consent-1', subject: OTHER },
  { name: 'bank for financing without consent', consumer: consumer('bank', 'financing'), consentId: null, subject: OTHER },
  { name: 'bank for marketing with a marketing consent', consumer: consumer('bank', 'marketing'), consentId: 'consent-2', subject: OTHER },
  { name: 'bank stating no purpose', consumer: consumer('bank'), consentId: null, subject: OTHER },
  { name: 'auditor', consumer: consumer('auditor'), consentId: null, subject: OTHER },
  { name: 'subject reading itself', consumer: consumer('subject', null, SELF), consentId: null, subject: SELF },
  { name: 'subject reading another', consumer: consumer('subject', null, SELF), consentId: null, subject: OTHER },
];

type Outcome = 'G' | 'F' | 'C';

/** one letter per reader, in READERS order */
const EXPECTED: { policies: AccessPolicies; parent?: unknown; outcomes: string }[] = [
  //                                                                  pub gov sup bfc bf- bmk bnp aud slf oth
  { policies: [['AUTHENTICATED']], outcomes: 'G G G G G G G G G G' },
  { policies: [['PUBLIC']], outcomes: 'G G G G G G G G G F' },
  { policies: [['GOVERNMENT']], outcomes: 'F G G F F F F F G F' },
  { policies: [['FINANCING']], outcomes: 'F F G G C C C F G F' },
  { policies: [['SELF']], outcomes: 'F F F F F F F F G F' },
  { policies: [['PUBLISHED_TAX_GRADE_A']], parent: { grade: 'A' }, outcomes: 'G G G G G G G G G F' },
  { policies: [['PUBLISHED_TAX_GRADE_A']], parent: { grade: 'B' }, outcomes: 'F F F F F F F F G F' },
  // tax.rating: GOVERNMENT + FINANCING, grade A PUBLIC
  { policies: [['GOVERNMENT'], ['FINANCING'], ['PUBLISHED_TAX_GRADE_A']], parent: { grade: 'B' }, outcomes: 'F G G G C C C F G F' },
  // an AND: both must hold, and a bank's missing consent cannot make GOVERNMENT hold
  { policies: [['GOVERNMENT', 'FINANCING']], outcomes: 'F F G F F F F F G F' },
];

const letter = (d: ReturnType<typeof decide>): Outcome => (d.granted ? 'G' : d.code === 'FORBIDDEN' ? 'F' : 'C');

describe('decide: every policy for every reader', () => {
  for (const { policies, parent, outcomes } of EXPECTED) {
    const expected = outcomes.split(' ');
    describe(`${requirement(policies)}${parent ? ` on ${JSON.stringify(parent)}` : ''}`, () => {
      it.each(READERS.map((r, i) => [r.name, r, expected[i]] as const))('%s: %s', (_name, reader, outcome) => {
        const facts: AccessFacts = { consumer: reader.consumer, subject: reader.subject, consentId: reader.consentId, parent };
        expect(letter(decide(policies, facts))).toBe(outcome);
      });
    });
  }
});

describe('decide: what a decision carries', () => {
  it('records the consent that granted a bank its FINANCING field, and none for other grants', () => {
    const bank = READERS[3]!;
    expect(decide([['FINANCING']], { consumer: bank.consumer, subject: OTHER, consentId: 'consent-1' })).toEqual({ granted: true, reason: 'FINANCING', consentId: 'consent-1' });
    expect(decide([['PUBLIC']], { consumer: bank.consumer, subject: OTHER, consentId: 'consent-1' })).toMatchObject({ consentId: null });
  });

  it("tells a bank which purpose its token lacks, or that no consent is active", () => {
    const reason = (purpose: string | null) => {
      const d = decide([['FINANCING']], { consumer: consumer('bank', purpose), subject: OTHER, consentId: null });
      return d.granted ? '' : d.reason;
    };
    expect(reason(null)).toMatch(/this token states no purpose$/);
    expect(reason('marketing')).toMatch(/this token's purpose is marketing$/);
    expect(reason('financing')).toMatch(/none is active$/);
  });

  it('refuses a subject token on another subject for who it is, and others for the class they lack', () => {
    const other = decide([['GOVERNMENT']], { consumer: consumer('subject', null, SELF), subject: OTHER, consentId: null });
    expect(other).toMatchObject({ granted: false, reason: 'a subject token reads only its own code' });
    expect(decide([['GOVERNMENT']], { consumer: consumer('auditor'), subject: OTHER, consentId: null })).toMatchObject({ reason: 'requires GOVERNMENT' });
  });

  it('fails SELF and FINANCING closed when the subject cannot be told', () => {
    expect(letter(decide([['SELF']], { consumer: consumer('subject', null, SELF), subject: null, consentId: null }))).toBe('F');
    expect(letter(decide([['PUBLIC']], { consumer: consumer('subject', null, SELF), subject: null, consentId: null }))).toBe('F');
  });
});

describe('everReadable: what the gateway removes before planning', () => {
  const roles: [string, Pick<Consumer, 'role' | 'purpose'>][] = [
    ['public', { role: 'public', purpose: null }],
    ['government', { role: 'government', purpose: null }],
    ['government supervising finance', { role: 'government', purpose: 'financial-supervision' }],
    ['bank (any purpose: consent is decided per subject)', { role: 'bank', purpose: 'marketing' }],
    ['auditor', { role: 'auditor', purpose: null }],
    ['subject (SELF reads every class)', { role: 'subject', purpose: null }],
  ];
  const READABLE: [PolicyName[][], string][] = [
    //                                         pub gov sup bnk aud sub
    [[['PUBLIC']], 'y y y y y y'],
    [[['GOVERNMENT']], 'n y y n n y'],
    [[['FINANCING']], 'n n y y n y'],
    [[['SELF']], 'n n n n n y'],
    [[['PUBLISHED_TAX_GRADE_A']], 'y y y y y y'],
    [[['GOVERNMENT', 'FINANCING']], 'n n y n n y'],
    [[['GOVERNMENT'], ['FINANCING']], 'n y y y n y'],
  ];
  for (const [policies, row] of READABLE) {
    const expected = row.split(' ');
    it.each(roles.map(([name, reader], i) => [name, reader, expected[i] === 'y'] as const))(`${requirement(policies)} — %s: %s`, (_name, reader, readable) => {
      expect(everReadable(policies, reader)).toBe(readable);
    });
  }
});

describe('needsConsent', () => {
  it('looks a consent up only for a bank stating a purpose, on a field a FINANCING alternative could grant', () => {
    expect(needsConsent([['FINANCING']], consumer('bank', 'financing'))).toBe(true);
    expect(needsConsent([['GOVERNMENT'], ['FINANCING']], consumer('bank', 'marketing'))).toBe(true);
    expect(needsConsent([['FINANCING']], consumer('bank'))).toBe(false);
    expect(needsConsent([['PUBLIC']], consumer('bank', 'financing'))).toBe(false);
    expect(needsConsent([['FINANCING']], consumer('government', 'financial-supervision'))).toBe(false);
  });
});
