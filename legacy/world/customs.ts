import type { IdentifierCodec } from './codec';
import { dayFromIso, isoFromDay, REPORT_YEARS, TODAY, yearOf } from './dates';
import { Random, WeightedTable } from './prng';
import { customsDistrict } from './regions';
import { Stream } from './streams';
import type { SubjectContext } from './context';
import type { CustomsCreditClassText, CustomsRecord } from './types';

/**
 * 海关企业信用. Only enterprises (91) that are customs candidates (1 in 18, see codec.ts) hold a
 * customs code: about 5% of all subjects. Credit classes: 高级认证企业 10%, 失信企业 5%, 常规 85%.
 */

const CREDIT_CLASSES = new WeightedTable<CustomsCreditClassText>([['高级认证企业', 10], ['失信企业', 5], ['常规', 85]]);
/** the 2014 credit management measures introduced the current classes */
const CERTIFIED_FROM = dayFromIso('2014-12-01');

export function customsRecord(ctx: SubjectContext, codec: IdentifierCodec): CustomsRecord | null {
  const { profile } = ctx;
  if (profile.kind !== 'ENTERPRISE' || !codec.isCustomsCandidate(profile.index)) return null;
  const random = Random.for(ctx.seed, profile.index, Stream.Customs);
  const creditClass = CREDIT_CLASSES.pick(random);
  const foundedYear = yearOf(isoFromDay(profile.foundedDay));
  const scaleUsd = random.logUniform(20_000, 20_000_000);
  // a fifth only import, a fifth only export
  const flow = random.next();
  const years = REPORT_YEARS.map((year) => {
    const active = year >= foundedYear;
    const amount = (): number => (active ? Math.round(scaleUsd * (0.6 + random.next() * 0.8)) * 100 : 0);
    const importUsdCents = flow < 0.2 ? 0 : amount();
    const exportUsdCents = flow >= 0.2 && flow < 0.4 ? 0 : amount();
    const violations = !active ? 0 : creditClass === '失信企业' ? random.between(1, 4) : random.chance(0.08) ? 1 : 0;
    return { year, importUsdCents, exportUsdCents, violations };
  });
  return {
    customsCode: customsDistrict(profile.region) + codec.customsTail(profile.index),
    name: profile.name,
    creditClass,
    certifiedOn: isoFromDay(random.between(Math.min(Math.max(profile.foundedDay + 30, CERTIFIED_FROM), TODAY - 1), TODAY - 1)),
    years,
  };
}
