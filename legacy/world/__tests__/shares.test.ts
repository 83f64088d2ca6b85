import { createWorld } from '..';
import { parseUscc } from '../../../lib/ids';
import type { Subject } from '../types';

/**
 * The shares the stand-ins are meant to exhibit (legacy/world/*.ts document them), measured over
 * 20,000 subjects. Tolerances are a few standard deviations wide: the world is deterministic,
 * and these assertions catch a broken generator, not chance.
 */

const N = 20_000;
const world = createWorld({ size: N, seed: 1 });
const subjects = Array.from({ length: N }, (_, i) => world.subject(i));
const share = (predicate: (s: Subject) => boolean, among: Subject[] = subjects): number => among.filter(predicate).length / among.length;

function expectShare(actual: number, expected: number, tolerance: number): void {
  expect(actual).toBeGreaterThanOrEqual(expected - tolerance);
  expect(actual).toBeLessThanOrEqual(expected + tolerance);
}

describe('kinds and eras', () => {
  const pair = (s: Subject) => s.uscc.slice(0, 2);
  it('registers ~90% 企业 (91), ~6% 个体工商户 (92), ~2% 农民专业合作社 (93)', () => {
    expectShare(share((s) => pair(s) === '91'), 0.9, 0.01);
    expectShare(share((s) => pair(s) === '92'), 0.06, 0.006);
    expectShare(share((s) => pair(s) === '93'), 0.02, 0.004);
  });
  it('has a few 事业单位 (12) and 社会团体/民非 (51/52), none registered with market', () => {
    const others = subjects.filter((s) => ['12', '51', '52'].includes(pair(s)));
    expectShare(others.length / N, 0.02, 0.004);
    expect(new Set(others.map(pair))).toEqual(new Set(['12', '51', '52']));
    expect(others.every((s) => s.enterprise === null)).toBe(true);
    expect(others.every((s) => parseUscc(s.uscc).kind !== 'ENTERPRISE')).toBe(true);
  });
  it('registered about one third before 2015', () => {
    expectShare(share((s) => s.registeredBefore2015), 1 / 3, 0.015);
  });
  it('keeps most registrations 存续/在业 with some 吊销, 注销, 迁出', () => {
    const market = subjects.filter((s) => s.enterprise);
    expectShare(share((s) => ['存续', '在业'].includes(s.enterprise!.status), market), 0.9, 0.02);
    for (const status of ['吊销', '注销', '迁出']) expect(share((s) => s.enterprise!.status === status, market)).toBeGreaterThan(0.003);
  });
  it('states capital in 人民币 with a few 美元', () => {
    const market = subjects.filter((s) => s.enterprise);
    expectShare(share((s) => s.enterprise!.currency === '美元', market), 0.027, 0.008);
    expect(market.every((s) => ['人民币', '美元'].includes(s.enterprise!.currency))).toBe(true);
  });
});

describe('market supervision', () => {
  const market = subjects.filter((s) => s.enterprise);
  it('lists ~5% as abnormal, some of them removed', () => {
    expectShare(share((s) => s.abnormal.length > 0, market), 0.05, 0.007);
    expect(share((s) => s.abnormal.some((a) => a.removedOn !== null), market)).toBeGreaterThan(0.01);
  });
  it('penalizes ~8% (1-5 penalties) and a few with more than 60', () => {
    expectShare(share((s) => s.penalties.length > 0, market), 0.08, 0.01);
    const many = market.filter((s) => s.penalties.length >= 60).length;
    expect(many).toBeGreaterThanOrEqual(10);
    expect(many / market.length).toBeLessThan(0.004);
  });
});

describe('tax', () => {
  it('knows ~98% of subjects', () => {
    expectShare(share((s) => s.tax !== null), 0.98, 0.005);
  });
  it('grades A ~20%, B ~45%, M ~20%, C ~10%, D ~5% over the last three years', () => {
    const ratings = subjects.flatMap((s) => s.tax?.ratings ?? []);
    const of = (grade: string) => ratings.filter((r) => r.grade === grade).length / ratings.length;
    expectShare(of('A'), 0.2, 0.015);
    expectShare(of('B'), 0.45, 0.02);
    expectShare(of('M'), 0.2, 0.015);
    expectShare(of('C'), 0.1, 0.01);
    expectShare(of('D'), 0.05, 0.01);
  });
  it('records payments per year, ~5% arrears and ~1% major violations', () => {
    const taxed = subjects.filter((s) => s.tax);
    // every year from its founding on; a taxpayer founded in 2025 has none yet
    for (const s of taxed.filter((x) => x.enterprise)) expect(s.tax!.payments.length >= 1).toBe(s.enterprise!.foundedOn < '2025');
    expect(share((s) => s.tax!.payments.length >= 1, taxed)).toBeGreaterThan(0.9);
    expectShare(share((s) => s.tax!.arrears.length > 0, taxed), 0.05, 0.007);
    expectShare(share((s) => s.tax!.majorViolations.length > 0, taxed), 0.01, 0.003);
  });
});

describe('courts', () => {
  it('lists ~3% as dishonest debtors, ~8% with enforcement cases, ~2% under consumption restrictions', () => {
    expectShare(share((s) => s.court.dishonest.length > 0), 0.03, 0.005);
    expectShare(share((s) => s.court.enforcement.length > 0), 0.08, 0.008);
    expectShare(share((s) => s.court.restrictions.length > 0), 0.02, 0.005);
  });
  it('gives at least 0.2% more than 20 cases of one type (more than a page)', () => {
    expect(share((s) => s.court.enforcement.length > 20)).toBeGreaterThanOrEqual(0.002);
    expect(subjects.some((s) => s.court.dishonest.length > 20)).toBe(true);
    expect(subjects.some((s) => s.court.restrictions.length > 20)).toBe(true);
  });
});

describe('customs and finance', () => {
  it('registers ~5% with customs: ~10% 高级认证企业, ~5% 失信企业, the rest 常规', () => {
    const registered = subjects.filter((s) => s.customs);
    expectShare(registered.length / N, 0.05, 0.006);
    expectShare(share((s) => s.customs!.creditClass === '高级认证企业', registered), 0.1, 0.03);
    expectShare(share((s) => s.customs!.creditClass === '失信企业', registered), 0.05, 0.02);
    expect(registered.every((s) => s.customs!.years.map((y) => y.year).join() === '2022,2023,2024')).toBe(true);
  });
  it('has finance records for ~70%, with loans, some overdue, guarantees and an agency rating', () => {
    const financed = subjects.filter((s) => s.finance);
    expectShare(financed.length / N, 0.7, 0.015);
    expect(share((s) => s.finance!.loanBalanceFen > 0, financed)).toBeGreaterThan(0.7);
    expect(share((s) => s.finance!.overdueFen > 0, financed)).toBeGreaterThan(0.03);
    expect(share((s) => s.finance!.guaranteesFen > 0, financed)).toBeGreaterThan(0.2);
    expect(financed.every((s) => /^(AAA|AA[+-]?|A[+-]?|BBB[+-]?|BB[+-]?|B[+-]?|CCC|CC|C)$/.test(s.finance!.ratingGrade))).toBe(true);
  });
});

describe('a world of 10,000 exercises paging', () => {
  const small = createWorld({ size: 10_000, seed: 1 });
  const all = Array.from({ length: small.size }, (_, i) => small.subject(i));
  it('has subjects with more than 20 court cases of a type', () => {
    expect(all.filter((s) => s.court.enforcement.length > 20).length).toBeGreaterThanOrEqual(10);
  });
  it('has subjects with more than 50 penalties', () => {
    expect(all.filter((s) => s.penalties.length > 50).length).toBeGreaterThanOrEqual(3);
  });
});
