import { describeDivision } from '../../lib/ids';
import { dayFromIso, isoFromDay, TODAY, yearOf } from './dates';
import { Random } from './prng';
import { courtDigits, locality, pickAreaUnder, provinceAbbreviation } from './regions';
import { Stream } from './streams';
import type { SubjectContext } from './context';
import type { CourtCase, CourtRecord } from './types';

/**
 * 执行信息 as the courts publish it. 8% of subjects are 被执行人 (zx); 3% are on the
 * 失信被执行人 list (sx) and 2% under a 限制消费令 (xg), always for enforcement cases they have.
 * 0.3% are litigious: over 20 enforcement cases (more than one page of 20), most of them with
 * more than 20 sx or xg entries too.
 */

export const ENFORCEMENT_SHARE = 0.08;
export const LITIGIOUS_SHARE = 0.003;
/** chosen so that sx ≈ 3% and xg ≈ 2% of all subjects, counting the litigious ones */
const DISHONEST_GIVEN_ENFORCEMENT = 0.35;
const RESTRICTED_GIVEN_ENFORCEMENT = 0.22;
const CASES_FROM = dayFromIso('2016-01-01');

const OBLIGATIONS = [
  (yuan: number) => `被执行人于判决生效之日起十日内向申请执行人支付货款${yuan}元及逾期付款利息`,
  (yuan: number) => `被执行人偿还借款本金${yuan}元及利息，并承担案件受理费`,
  (yuan: number) => `被执行人支付工程款${yuan}元`,
  (yuan: number) => `被执行人支付拖欠的劳动报酬${yuan}元`,
  (yuan: number) => `被执行人支付租金${yuan}元及违约金`,
];
const CONDUCTS = [
  '有履行能力而拒不履行生效法律文书确定义务',
  '违反财产报告制度',
  '违反限制消费令',
  '以伪造证据、暴力、威胁等方法妨碍、抗拒执行',
];

interface Counts {
  enforcement: number;
  dishonest: number;
  restrictions: number;
}

function counts(random: Random): Counts {
  const roll = random.next();
  if (roll < LITIGIOUS_SHARE) {
    const enforcement = random.between(21, 45);
    return {
      enforcement,
      dishonest: random.chance(0.6) ? random.between(21, Math.min(30, enforcement)) : random.between(1, 5),
      restrictions: random.chance(0.5) ? random.between(21, enforcement) : random.between(1, 3),
    };
  }
  if (roll >= ENFORCEMENT_SHARE) return { enforcement: 0, dishonest: 0, restrictions: 0 };
  const enforcement = random.pick([1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 8]);
  return {
    enforcement,
    dishonest: random.chance(DISHONEST_GIVEN_ENFORCEMENT) ? random.between(1, Math.min(3, enforcement)) : 0,
    restrictions: random.chance(RESTRICTED_GIVEN_ENFORCEMENT) ? random.between(1, Math.min(2, enforcement)) : 0,
  };
}

const byFiledDesc = (a: CourtCase, b: CourtCase): number => b.filedOn.localeCompare(a.filedOn);

export function courtRecord(ctx: SubjectContext): CourtRecord {
  const { profile } = ctx;
  const random = Random.for(ctx.seed, profile.index, Stream.Court);
  const n = counts(random);
  if (n.enforcement === 0) return { dishonest: [], enforcement: [], restrictions: [] };

  // enforcement lies with the county court of the subject's seat, sometimes with another one
  const home = pickAreaUnder(random, profile.region);
  const homeCity = describeDivision(`${home.code.slice(0, 4)}00`) ?? home;
  const from = Math.min(Math.max(profile.foundedDay + 180, CASES_FROM), TODAY - 1);
  const days = Array.from({ length: n.enforcement }, () => random.between(from, TODAY - 1)).sort((a, b) => a - b);
  const sequenceByCourtYear = new Map<string, number>();
  const enforcement = days.map((day): CourtCase => {
    const seat = random.chance(0.8) ? home : pickAreaUnder(random, homeCity);
    const filedOn = isoFromDay(day);
    const courtCode = `${provinceAbbreviation(seat)}${courtDigits(seat)}`;
    const key = `${courtCode}${yearOf(filedOn)}`;
    const sequence = (sequenceByCourtYear.get(key) ?? random.between(1, 3000)) + random.between(1, 40);
    sequenceByCourtYear.set(key, sequence);
    const yuan = Math.round(random.logUniform(5_000, 5_000_000));
    return {
      caseNumber: `(${yearOf(filedOn)})${courtCode}执${sequence}号`,
      court: `${locality(seat)}人民法院`,
      filedOn,
      amountFen: yuan * 100,
      obligation: random.pick(OBLIGATIONS)(yuan),
      performance: '',
      conduct: '',
      publishedOn: filedOn,
      status: '有效',
    };
  });

  // the older cases are the ones that have led to listings
  const published = (c: CourtCase, minDays: number, maxDays: number): string =>
    isoFromDay(Math.min(dayFromIso(c.filedOn) + random.between(minDays, maxDays), TODAY - 1));
  const dishonest = enforcement.slice(0, n.dishonest).map((c): CourtCase => ({
    ...c,
    performance: random.chance(0.8) ? '全部未履行' : '部分未履行',
    conduct: random.pick(CONDUCTS),
    publishedOn: published(c, 60, 400),
    status: random.chance(0.1) ? '已撤销' : '有效',
  }));
  const restrictions = enforcement.slice(0, n.restrictions).map((c): CourtCase => ({ ...c, publishedOn: published(c, 20, 200) }));

  return { dishonest: dishonest.sort(byFiledDesc), enforcement: enforcement.sort(byFiledDesc), restrictions: restrictions.sort(byFiledDesc) };
}
