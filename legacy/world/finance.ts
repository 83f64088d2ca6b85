import { dayFromIso, isoFromDay, TODAY } from './dates';
import { Random, WeightedTable } from './prng';
import { Stream } from './streams';
import type { SubjectContext } from './context';
import type { FinanceRecord } from './types';

/**
 * 金融信用信息 on the sharing platform: 70% of subjects have a record. Of those 80% have loans
 * outstanding (8% of borrowers overdue) and 30% have given guarantees; every record carries an
 * agency rating AAA…C.
 */

export const FINANCE_SHARE = 0.7;
const BORROWER_SHARE = 0.8;
const OVERDUE_SHARE = 0.08;
const GUARANTOR_SHARE = 0.3;

const AGENCIES = ['中诚信国际', '联合资信', '大公国际', '东方金诚', '上海新世纪', '中证鹏元'] as const;
const GRADES = new WeightedTable<string>([
  ['AAA', 2], ['AA+', 4], ['AA', 8], ['AA-', 8], ['A+', 10], ['A', 14], ['A-', 12], ['BBB+', 10], ['BBB', 10], ['BBB-', 8],
  ['BB+', 4], ['BB', 3], ['BB-', 2], ['B', 2], ['CCC', 1], ['CC', 0.5], ['C', 0.5],
]);
const DISTRESSED_GRADES = ['BB-', 'B+', 'B', 'B-', 'CCC', 'CC', 'C'] as const;
const RATED_FROM = dayFromIso('2023-01-01');

/** whole hundreds of yuan, in fen */
const fenOf = (yuan: number): number => Math.round(yuan / 100) * 10_000;

export function financeRecord(ctx: SubjectContext): FinanceRecord | null {
  const { profile } = ctx;
  const random = Random.for(ctx.seed, profile.index, Stream.Finance);
  if (!random.chance(FINANCE_SHARE)) return null;
  const small = profile.kind === 'INDIVIDUAL_BUSINESS' || profile.kind === 'FARMERS_COOPERATIVE';
  const loanBalanceFen = random.chance(BORROWER_SHARE) ? fenOf(small ? random.logUniform(10_000, 2_000_000) : random.logUniform(100_000, 500_000_000)) : 0;
  const overdue = loanBalanceFen > 0 && random.chance(OVERDUE_SHARE);
  const overdueFen = overdue ? fenOf((loanBalanceFen / 100) * (0.02 + random.next() * 0.48)) : 0;
  return {
    loanBalanceFen,
    overdueFen,
    overdueDays: overdue ? random.between(1, 720) : 0,
    guaranteesFen: random.chance(GUARANTOR_SHARE) ? fenOf(random.logUniform(100_000, 100_000_000)) : 0,
    ratingAgency: random.pick(AGENCIES),
    ratingGrade: overdue ? random.pick(DISTRESSED_GRADES) : GRADES.pick(random),
    ratedOn: isoFromDay(random.between(Math.min(Math.max(profile.foundedDay, RATED_FROM), TODAY - 1), TODAY - 1)),
  };
}
