import { dayFromIso, isoFromDay, TODAY, yearOf } from './dates';
import { drawCitizenId, drawPersonName } from './people';
import { Random, WeightedTable } from './prng';
import { pickAreaUnder, provinceAbbreviation, shortAreaName, shortCityName } from './regions';
import { Stream } from './streams';
import { addYears, type SubjectContext } from './context';
import { BUILDINGS, COOPERATIVE_SCOPE, GENERAL_SCOPE_SUFFIX, ROADS, SHOP_SCOPES } from './vocabulary';
import type { AbnormalRecord, EnterpriseRecord, PenaltyRecord, RegistrationStatusText } from './types';

/** 企业登记 and 信用公示 as market regulation holds them (subjects registered with market only). */

const FEN_PER_WAN = 1_000_000;

/** DJZT: 存续 78%, 在业 12%, 吊销 5%, 注销 4%, 迁出 1% */
const STATUSES = new WeightedTable<RegistrationStatusText>([
  ['存续', 78], ['在业', 12], ['吊销', 5], ['注销', 4], ['迁出', 1],
]);

/** registered capital of companies, in 万 */
const CAPITAL_WAN = new WeightedTable<number>([
  [3, 3], [10, 12], [50, 14], [100, 18], [200, 10], [300, 8], [500, 10], [800, 4], [1000, 9], [2000, 4], [3000, 2], [5000, 3], [10000, 2], [50000, 1],
]);

function capitalFen(random: Random, ctx: SubjectContext): number {
  const { kind, legalForm } = ctx.profile;
  let wan: number;
  if (kind === 'INDIVIDUAL_BUSINESS') wan = random.pick([0.5, 1, 2, 3, 5, 10, 20, 50]);
  else if (kind === 'FARMERS_COOPERATIVE') wan = random.pick([10, 50, 100, 200, 300, 500, 1000]);
  else if (legalForm?.currency === '美元') wan = random.pick([10, 50, 100, 200, 500, 1000]);
  else wan = CAPITAL_WAN.pick(random);
  // one in five states an odd amount, e.g. 123.45万
  if (random.chance(0.2)) wan = Math.round(wan * (0.5 + random.next()) * 100) / 100;
  return Math.round(wan * FEN_PER_WAN);
}

function address(random: Random, ctx: SubjectContext): string {
  const area = pickAreaUnder(random, ctx.profile.region);
  const street = `${area.name}${random.pick(ROADS)}${random.between(1, 999)}号`;
  if (ctx.profile.kind !== 'ENTERPRISE' || random.chance(0.5)) return street;
  const floor = random.between(2, 32);
  return `${street}${random.pick(BUILDINGS)}${floor}层${floor}${String(random.between(1, 20)).padStart(2, '0')}室`;
}

function scope(ctx: SubjectContext): string {
  const { kind, activity, industry, registeredBefore2015 } = ctx.profile;
  const core = kind === 'INDIVIDUAL_BUSINESS' ? (SHOP_SCOPES[activity] ?? industry.scope) : kind === 'FARMERS_COOPERATIVE' ? `${activity}；${COOPERATIVE_SCOPE}` : industry.scope;
  // the "一般项目" wording came with the 2021 business scope standardisation; older records still read as written
  return registeredBefore2015 ? `${core}。` : `一般项目：${core}。${GENERAL_SCOPE_SUFFIX}`;
}

export function enterpriseRecord(ctx: SubjectContext): EnterpriseRecord {
  const { profile } = ctx;
  const random = Random.for(ctx.seed, profile.index, Stream.Market);
  // the same draws as the profile's, continued to the ID number
  const personRandom = Random.for(ctx.seed, profile.index, Stream.Person);
  const person = drawPersonName(personRandom);
  return {
    name: profile.name,
    typeText: profile.legalForm!.typeText,
    legalRepresentative: { name: person.name, idNumber: drawCitizenId(personRandom, person, profile.region.province.code) },
    registeredCapitalFen: capitalFen(random, ctx),
    currency: profile.legalForm!.currency,
    foundedOn: isoFromDay(profile.foundedDay),
    status: profile.kind === 'INDIVIDUAL_BUSINESS' ? random.pick<RegistrationStatusText>(['存续', '在业']) : STATUSES.pick(random),
    authority: ctx.marketAuthority,
    address: address(random, ctx),
    scope: scope(ctx),
    approvedOn: isoFromDay(random.between(profile.foundedDay, TODAY - 1)),
  };
}

const ABNORMAL_REASONS: [reason: string, removal: string][] = [
  ['未依照《企业信息公示暂行条例》第八条规定的期限公示年度报告的', '补报未报年份的年度报告并公示，申请移出经营异常名录'],
  ['通过登记的住所或者经营场所无法联系的', '依法办理住所或者经营场所变更登记，申请移出经营异常名录'],
  ['公示企业信息隐瞒真实情况、弄虚作假的', '更正其公示的企业信息，申请移出经营异常名录'],
  ['未在市场监督管理部门依照《企业信息公示暂行条例》第十条规定责令的期限内公示有关企业信息的', '公示相关企业信息，申请移出经营异常名录'],
];
/** 经营异常名录 since its start in 2014-10 */
const ABNORMAL_FROM = dayFromIso('2014-10-01');
/** 5% of market subjects are or were listed; 40% of listings have been removed */
export const ABNORMAL_SHARE = 0.05;
const REMOVED_SHARE = 0.4;

export function abnormalRecords(ctx: SubjectContext): AbnormalRecord[] {
  const random = Random.for(ctx.seed, ctx.profile.index, Stream.Abnormal);
  if (!random.chance(ABNORMAL_SHARE)) return [];
  const from = Math.max(ctx.profile.foundedDay + 365, ABNORMAL_FROM);
  if (from >= TODAY) return [];
  const count = random.chance(0.85) ? 1 : 2;
  const records: AbnormalRecord[] = [];
  for (let i = 0; i < count; i++) {
    const [reason, removal] = random.pick(ABNORMAL_REASONS);
    const listed = random.between(from, TODAY - 1);
    const removed = random.chance(REMOVED_SHARE) ? listed + random.between(30, 700) : TODAY;
    records.push({
      reason,
      listedOn: isoFromDay(listed),
      authority: ctx.marketAuthority,
      removalReason: removed < TODAY ? removal : null,
      removedOn: removed < TODAY ? isoFromDay(removed) : null,
    });
  }
  return records.sort((a, b) => a.listedOn.localeCompare(b.listedOn));
}

/** 8% of market subjects have 1-5 行政处罚; 0.15% have 60-80 (more than a page of 50) */
export const PENALTY_SHARE = 0.08;
export const MANY_PENALTIES_SHARE = 0.0015;
const PENALTIES_FROM = dayFromIso('2016-01-01');
const WARNING_ONLY = '未按规定公示年度报告';

function penaltyCount(random: Random): number {
  const roll = random.next();
  if (roll < MANY_PENALTIES_SHARE) return random.between(60, 80);
  if (roll < MANY_PENALTIES_SHARE + PENALTY_SHARE) return random.pick([1, 1, 1, 1, 2, 2, 3, 4, 5]);
  return 0;
}

export function penaltyRecords(ctx: SubjectContext): PenaltyRecord[] {
  const { profile } = ctx;
  const random = Random.for(ctx.seed, profile.index, Stream.Penalties);
  const count = penaltyCount(random);
  if (count === 0) return [];
  const from = Math.max(profile.foundedDay + 60, PENALTIES_FROM);
  const days = Array.from({ length: count }, () => random.between(from, TODAY - 1)).sort((a, b) => a - b);
  // decision numbers count up within a year, as an office's register does
  const prefix = `${provinceAbbreviation(profile.region)}${profile.region.level === 'area' ? shortAreaName(profile.region) : shortCityName(profile.region)}市监处罚`;
  const sequenceByYear = new Map<number, number>();
  const records = days.map((day): PenaltyRecord => {
    const decidedOn = isoFromDay(day);
    const year = yearOf(decidedOn);
    const sequence = (sequenceByYear.get(year) ?? random.between(1, 600)) + random.between(1, 9);
    sequenceByYear.set(year, sequence);
    const violationType = random.pick(profile.industry.violations);
    const fineYuan = violationType === WARNING_ONLY ? 0 : Math.round(random.logUniform(1000, 200_000) / 100) * 100;
    const kind = fineYuan === 0 ? '警告' : random.pick(['罚款', '罚款', '罚款', '警告、罚款', '没收违法所得、罚款']);
    const content =
      kind === '警告'
        ? '警告'
        : kind === '没收违法所得、罚款'
          ? `没收违法所得人民币${random.between(5, 500) * 100}元，并处罚款人民币${fineYuan}元`
          : `${kind === '警告、罚款' ? '警告，并处' : ''}罚款人民币${fineYuan}元`;
    return {
      decisionNumber: `${prefix}〔${year}〕${sequence}号`,
      violationType,
      kind,
      content,
      fineFen: fineYuan * 100,
      decidedOn,
      authority: ctx.marketAuthority,
      publishUntil: addYears(decidedOn, 3),
    };
  });
  // newest first, as the public system lists them
  return records.reverse();
}
