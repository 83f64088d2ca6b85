import { createWorld, MAX_WORLD_SIZE, REPORT_YEARS, WORLD_TODAY } from '..';
import { checkCitizenId, parseUscc } from '../../../lib/ids';

describe('determinism', () => {
  it('regenerates the same subjects from the same seed, in any order', () => {
    const a = createWorld({ size: 1_000, seed: 7 });
    const b = createWorld({ size: 1_000, seed: 7 });
    const indices = [999, 0, 500, 1, 250];
    const fromB = [...indices].reverse().map((i) => b.subject(i)).reverse();
    expect(indices.map((i) => a.subject(i))).toEqual(fromB);
  });

  it('makes a different world from a different seed', () => {
    const a = createWorld({ size: 100, seed: 1 });
    const b = createWorld({ size: 100, seed: 2 });
    const same = Array.from({ length: 100 }, (_, i) => a.subject(i).uscc === b.subject(i).uscc).filter(Boolean);
    expect(same).toHaveLength(0);
    expect(a.subject(0).enterprise?.name ?? a.subject(0).tax?.name).not.toEqual(b.subject(0).enterprise?.name ?? b.subject(0).tax?.name);
  });

  it('depends on the seed beyond its low 32 bits', () => {
    const low = createWorld({ size: 10, seed: 5 });
    const high = createWorld({ size: 10, seed: 5 + 2 ** 32 });
    expect(low.subject(0).uscc).not.toBe(high.subject(0).uscc);
  });

  it('makes a small world the first subjects of a larger one with the same seed', () => {
    const small = createWorld({ size: 200, seed: 3 });
    const large = createWorld({ size: 1_000_000, seed: 3 });
    for (const i of [0, 17, 199]) expect(small.subject(i)).toEqual(large.subject(i));
  });

  it('returns a subject equal to a freshly generated one after the cache has been cycled', () => {
    const world = createWorld({ size: 2_000, seed: 1 });
    const first = JSON.stringify(world.subject(5));
    for (let i = 100; i < 1_700; i++) world.subject(i);
    expect(JSON.stringify(world.subject(5))).toBe(first);
  });
});

describe('subjects are shared read-only', () => {
  it('refuses changes to a subject and its sections', () => {
    const world = createWorld({ size: 10, seed: 1 });
    const subject = world.subject(0);
    expect(() => {
      (subject as { uscc: string }).uscc = 'x';
    }).toThrow(TypeError);
    expect(() => (subject.penalties as unknown[]).push({})).toThrow(TypeError);
    expect(() => {
      if (subject.tax) subject.tax.ratings.sort();
      else throw new TypeError('no tax');
    }).toThrow(TypeError);
  });
});

describe('options', () => {
  it.each([0, -1, 1.5, MAX_WORLD_SIZE + 1, Number.NaN])('refuses size %p, naming the option', (size) => {
    expect(() => createWorld({ size, seed: 1 })).toThrow(/options\.size must be an integer from 1 to 10000000/);
  });
  it.each([-1, 0.5, Number.MAX_SAFE_INTEGER + 2])('refuses seed %p, naming the option', (seed) => {
    expect(() => createWorld({ size: 10, seed })).toThrow(/options\.seed must be a non-negative safe integer/);
  });
  it('refuses an index outside the world', () => {
    const world = createWorld({ size: 10, seed: 1 });
    expect(() => world.subject(10)).toThrow(/index must be an integer from 0 to 9, got 10/);
    expect(() => world.subject(-1)).toThrow(RangeError);
    expect(() => world.subject(1.5)).toThrow(RangeError);
  });
  it('exposes size and seed', () => {
    expect(createWorld({ size: 10, seed: 4 })).toMatchObject({ size: 10, seed: 4 });
  });
});

describe('consistency of each subject', () => {
  const world = createWorld({ size: 3_000, seed: 11 });
  const subjects = Array.from({ length: world.size }, (_, i) => world.subject(i));
  const iso = /^\d{4}-\d{2}-\d{2}$/;

  it('dates founding before the 2015-10 reform exactly for subjects registered before it', () => {
    for (const s of subjects) {
      if (!s.enterprise) continue;
      expect(s.enterprise.foundedOn < '2015-10-01').toBe(s.registeredBefore2015);
      expect(s.enterprise.foundedOn <= s.enterprise.approvedOn).toBe(true);
      expect(s.enterprise.approvedOn <= WORLD_TODAY).toBe(true);
    }
  });

  it('gives market records only to subjects registered with market (91, 92, 93)', () => {
    for (const s of subjects) {
      const { registrationAuthority } = parseUscc(s.uscc);
      expect(s.enterprise !== null).toBe(registrationAuthority === '9');
      if (!s.enterprise) expect(s.abnormal.length + s.penalties.length).toBe(0);
    }
  });

  it('names the registration authority after the division of the code', () => {
    const s = subjects.find((x) => x.enterprise && parseUscc(x.uscc).region.code.endsWith('00') === false)!;
    expect(s.enterprise!.authority).toMatch(/市场监督管理局$/);
    expect(s.enterprise!.address.startsWith(parseUscc(s.uscc).region.name.slice(0, 2))).toBe(true);
  });

  it('gives every legal representative a valid citizen ID', () => {
    for (const s of subjects) if (s.enterprise) expect(checkCitizenId(s.enterprise.legalRepresentative.idNumber).ok).toBe(true);
  });

  it('keeps money in whole cents and dates in ISO form', () => {
    for (const s of subjects) {
      const amounts = [
        s.enterprise?.registeredCapitalFen ?? 0,
        ...s.penalties.map((p) => p.fineFen),
        ...(s.tax?.payments.map((p) => p.amountFen) ?? []),
        ...s.court.enforcement.map((c) => c.amountFen),
        s.finance?.loanBalanceFen ?? 0,
        s.finance?.overdueFen ?? 0,
        ...(s.customs?.years.flatMap((y) => [y.importUsdCents, y.exportUsdCents]) ?? []),
      ];
      for (const amount of amounts) expect(Number.isSafeInteger(amount) && amount >= 0).toBe(true);
      const dates = [...s.penalties.map((p) => p.decidedOn), ...s.abnormal.map((a) => a.listedOn), ...s.court.dishonest.map((c) => c.publishedOn)];
      for (const date of dates) expect(date).toMatch(iso);
    }
  });

  it('lists dishonest debtors and restrictions only for enforcement cases the subject has', () => {
    for (const s of subjects) {
      const cases = new Set(s.court.enforcement.map((c) => c.caseNumber));
      expect(cases.size).toBe(s.court.enforcement.length);
      for (const c of [...s.court.dishonest, ...s.court.restrictions]) expect(cases.has(c.caseNumber)).toBe(true);
    }
  });

  it('rates taxpayers only for the report years, and only after their first year', () => {
    for (const s of subjects) {
      for (const r of s.tax?.ratings ?? []) {
        expect(REPORT_YEARS).toContain(r.year);
        if (s.enterprise) expect(r.year).toBeGreaterThan(Number(s.enterprise.foundedOn.slice(0, 4)));
      }
    }
  });

  it('gives unique decision numbers within a subject, newest penalty first', () => {
    for (const s of subjects) {
      expect(new Set(s.penalties.map((p) => p.decisionNumber)).size).toBe(s.penalties.length);
      const dates = s.penalties.map((p) => p.decidedOn);
      expect(dates).toEqual([...dates].sort().reverse());
    }
  });
});
