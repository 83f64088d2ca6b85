import { validateCatalogue, fieldsRead } from '../catalogue';
import { CREDIT_LISTS, type CreditList } from '../lists';
import { MEASURE_TABLE, measureFor } from '../measures';
import { matchList } from '../rules';

const list = (id: string): CreditList => CREDIT_LISTS.find((l) => l.id === id)!;
const ASOF = new Date('2026-12-04T08:00:00Z');

describe('the list and measures catalogues', () => {
  it('validate against each other', () => {
    expect(() => validateCatalogue()).not.toThrow();
  });

  it('refuse an incentive on a black list', () => {
    const measures = { ...MEASURE_TABLE, 'court.dishonest-debtor': { HONORS: { effect: 'PRIORITY' as const, text: 'x', basis: 'y' } } };
    expect(() => validateCatalogue({ measures })).toThrow('court.dishonest-debtor/HONORS: PRIORITY on a BLACK list');
  });

  it('refuse a rule over another department’s data', () => {
    const bad = { ...list('customs.dishonest'), department: 'tax' as const };
    expect(() => validateCatalogue({ lists: [...CREDIT_LISTS.filter((l) => l.id !== bad.id), bad] })).toThrow('reads customs, another department');
  });

  it('refuse a @requires selection that misses a field a rule reads', () => {
    expect(() => validateCatalogue({ requires: 'judicial { dishonestDebtor { caseNumber } }' })).toThrow('lacks judicial.dishonestDebtor.status');
  });

  it('state repair terms for every black list and none for red lists', () => {
    for (const l of CREDIT_LISTS) expect(l.repair === null).toBe(l.kind === 'RED');
    expect(list('court.dishonest-debtor').repair!.repairable).toBe(false);
    expect(list('market.serious-violation').repair).toMatchObject({ repairable: true, afterMonths: 12 });
  });

  it('give every red list PRIORITY in administrative approval (容缺受理, 绿色通道)', () => {
    for (const l of CREDIT_LISTS.filter((x) => x.kind === 'RED')) expect(measureFor(l.id, 'ADMINISTRATIVE_APPROVAL')?.effect).toBe('PRIORITY');
  });
});

describe('list rules', () => {
  const market = (rows: object[]) => ({ marketSupervision: { abnormalOperations: rows, penalties: [], source: { department: 'MARKET' } } });

  it('list a subject still on the abnormal-operations register after three years', () => {
    const matches = matchList(list('market.serious-violation'), market([{ reason: 'r', listedOn: '2023-12-03', removedOn: null }]), ASOF);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.since).toBe('2023-12-03');
  });

  it('do not list one removed from the register, or listed under three years ago', () => {
    const rows = [
      { reason: 'r', listedOn: '2020-01-01', removedOn: '2021-01-01' },
      { reason: 'r', listedOn: '2023-12-05', removedOn: null },
    ];
    expect(matchList(list('market.serious-violation'), market(rows), ASOF)).toEqual([]);
  });

  it('judge the tax grade of the newest rated year only', () => {
    const tax = (rating: object[]) => ({ tax: { rating, source: null } });
    expect(matchList(list('tax.grade-a'), tax([{ year: 2023, grade: 'A' }, { year: 2024, grade: 'B' }]), ASOF)).toEqual([]);
    expect(matchList(list('tax.grade-a'), tax([{ year: 2024, grade: 'A' }, { year: 2023, grade: 'B' }]), ASOF)).toHaveLength(1);
  });

  it('read the listed record’s values for value-based classes (a grade-A rating is public)', () => {
    expect(fieldsRead(list('tax.grade-a')).find((r) => r.coordinate === 'TaxRating.grade')!.listedRecord).toEqual({ grade: 'A' });
  });
});
