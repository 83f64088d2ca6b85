import { dayFromIso, isoFromDay, REPORT_YEARS, TODAY, yearOf } from './dates';
import { Random, WeightedTable } from './prng';
import { locality } from './regions';
import { Stream } from './streams';
import type { SubjectContext } from './context';
import type { TaxGrade, TaxRecord } from './types';

/**
 * 纳税信用 as the tax system holds it. 2% of subjects are unknown to tax. Pre-2015 taxpayers are
 * known ONLY by the old 税务登记号 (USCC positions 3-17), the others by their USCC
 * (legacy-systems.md §2).
 */

export const ABSENT_FROM_TAX_SHARE = 0.02;
/** 纳税信用等级 per year: A 20%, B 45%, M 20%, C 10%, D 5% (a subject keeps its grade three years in four) */
const GRADES = new WeightedTable<TaxGrade>([['A', 20], ['B', 45], ['M', 20], ['C', 10], ['D', 5]]);
export const ARREARS_SHARE = 0.05;
export const MAJOR_VIOLATION_SHARE = 0.01;

const TAX_KINDS = ['增值税', '企业所得税', '城市维护建设税', '个人所得税', '印花税', '房产税', '城镇土地使用税'] as const;
const ARREARS_FROM = dayFromIso('2019-01-01');
const VIOLATIONS_FROM = dayFromIso('2018-01-01');

const MAJOR_VIOLATIONS = [
  { nature: '虚开增值税专用发票', act: '对外虚开增值税专用发票', unit: '份' },
  { nature: '偷税', act: '通过隐匿收入、虚假申报等手段少缴税款', unit: '' },
  { nature: '逃避追缴欠税', act: '转移财产，妨碍税务机关追缴欠缴的税款', unit: '' },
  { nature: '虚开普通发票', act: '对外虚开普通发票', unit: '份' },
  { nature: '骗取出口退税', act: '以假报出口手段骗取国家出口退税款', unit: '' },
] as const;

function annualBaseYuan(random: Random, ctx: SubjectContext): number {
  switch (ctx.profile.kind) {
    case 'INDIVIDUAL_BUSINESS':
      return random.logUniform(200, 20_000);
    case 'FARMERS_COOPERATIVE':
      return random.logUniform(100, 50_000);
    case 'ENTERPRISE':
      return random.logUniform(2_000, 5_000_000);
    default:
      return random.logUniform(10_000, 1_000_000);
  }
}

export function taxRecord(ctx: SubjectContext): TaxRecord | null {
  const { profile } = ctx;
  const random = Random.for(ctx.seed, profile.index, Stream.Tax);
  if (random.chance(ABSENT_FROM_TAX_SHARE)) return null;
  const foundedYear = yearOf(isoFromDay(profile.foundedDay));

  // a taxpayer is rated from its first full year on
  const base = GRADES.pick(random);
  const ratings = REPORT_YEARS.filter((year) => year > foundedYear).map((year) => ({ year, grade: random.chance(0.75) ? base : GRADES.pick(random) }));

  const baseYuan = annualBaseYuan(random, ctx);
  const payments = REPORT_YEARS.filter((year) => year >= foundedYear).map((year) => ({
    year,
    amountFen: Math.round(baseYuan * (0.8 + random.next() * 0.45) * 100),
  }));

  const arrears: TaxRecord['arrears'] = [];
  if (random.chance(ARREARS_SHARE)) {
    const from = Math.max(profile.foundedDay + 30, ARREARS_FROM);
    for (let i = random.chance(0.7) ? 1 : 2; i > 0; i--) {
      arrears.push({
        taxKind: random.pick(TAX_KINDS),
        amountFen: Math.round(random.logUniform(1_000, 2_000_000)) * 100,
        since: isoFromDay(random.between(Math.min(from, TODAY - 30), TODAY - 30)),
      });
    }
  }

  const majorViolations: TaxRecord['majorViolations'] = [];
  if (random.chance(MAJOR_VIOLATION_SHARE)) {
    const violation = random.pick(MAJOR_VIOLATIONS);
    const published = random.between(Math.min(Math.max(profile.foundedDay + 365, VIOLATIONS_FROM), TODAY - 1), TODAY - 1);
    const periodYear = yearOf(isoFromDay(published)) - 1;
    const amount = Math.round(random.logUniform(50_000, 20_000_000));
    const quantity = violation.unit ? `${random.between(5, 400)}${violation.unit}，价税合计` : '';
    majorViolations.push({
      nature: violation.nature,
      facts: `经国家税务总局${locality(profile.region)}税务局检查，发现其在${periodYear}年1月1日至${periodYear}年12月31日期间，${violation.act}${quantity}${amount}元。`,
      punishment: `依法追缴税款${amount}元，并处${random.pick(['0.5', '1', '1.5', '2'])}倍罚款；依法移送公安机关。`,
      publishedOn: isoFromDay(published),
    });
    // a major violation makes the taxpayer D from that year on
    const year = yearOf(isoFromDay(published));
    for (const rating of ratings) if (rating.year >= year) rating.grade = 'D';
  }

  return {
    taxpayerId: profile.registeredBefore2015 ? ctx.uscc.slice(2, 17) : ctx.uscc,
    name: profile.name,
    ratings,
    payments,
    arrears,
    majorViolations,
  };
}
