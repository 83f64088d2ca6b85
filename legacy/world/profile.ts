import type { Division, SubjectKind } from '../../lib/ids';
import { REFORM_DAY, TODAY, dayFromIso } from './dates';
import { drawPersonName, type PersonName } from './people';
import { Random, WeightedTable } from './prng';
import { locality, pickRegion, shortCityName, shortProvinceName } from './regions';
import { Stream } from './streams';
import {
  COOPERATIVE_TRADES,
  INDUSTRIES,
  PRIVATE_NON_ENTERPRISES,
  PUBLIC_INSTITUTIONS,
  SHOP_KINDS,
  SOCIAL_ORGANIZATIONS,
  TRADE_CHARACTERS,
  type Industry,
} from './vocabulary';
import type { NewStylePrefix } from './codec';

/**
 * A subject's profile: what it is, where and when it registered, what it is called. Cheap on
 * purpose (no identifiers, no sections): the name index calls it for every subject it scans.
 */

interface KindSpec {
  registrationAuthority: string;
  entityType: string;
  kind: SubjectKind;
  /** registered with market regulation: has an EnterpriseRecord and can be found by name */
  market: boolean;
  /** first two characters of a new-style organization code body, by issuing authority */
  newStylePrefix: NewStylePrefix;
}

/** Shares: 91 企业 90%, 92 个体工商户 6%, 93 农民专业合作社 2%, 12 事业单位 1%, 51 社会团体 0.5%, 52 民办非企业单位 0.5%. */
const KINDS = new WeightedTable<KindSpec>([
  [{ registrationAuthority: '9', entityType: '1', kind: 'ENTERPRISE', market: true, newStylePrefix: 'MA' }, 90],
  [{ registrationAuthority: '9', entityType: '2', kind: 'INDIVIDUAL_BUSINESS', market: true, newStylePrefix: 'MA' }, 6],
  [{ registrationAuthority: '9', entityType: '3', kind: 'FARMERS_COOPERATIVE', market: true, newStylePrefix: 'MA' }, 2],
  [{ registrationAuthority: '1', entityType: '2', kind: 'PUBLIC_INSTITUTION', market: false, newStylePrefix: 'MB' }, 1],
  [{ registrationAuthority: '5', entityType: '1', kind: 'SOCIAL_ORGANIZATION', market: false, newStylePrefix: 'MJ' }, 0.5],
  [{ registrationAuthority: '5', entityType: '2', kind: 'PRIVATE_NON_ENTERPRISE', market: false, newStylePrefix: 'MJ' }, 0.5],
]);

/** One third registered before the USCC reform of 2015-10. */
export const PRE_2015_SHARE = 1 / 3;
const EARLIEST_FOUNDING = dayFromIso('1993-01-01');

export interface LegalForm {
  /** QYLX */
  typeText: string;
  /** how the name ends */
  suffixes: readonly string[];
  currency: '人民币' | '美元';
}

/** Legal forms of 企业 (shares of 91 subjects); the foreign-invested ones (3%) state capital in 美元. */
const ENTERPRISE_FORMS = new WeightedTable<LegalForm>([
  [{ typeText: '有限责任公司(自然人投资或控股)', suffixes: ['有限公司'], currency: '人民币' }, 55],
  [{ typeText: '有限责任公司(自然人独资)', suffixes: ['有限公司'], currency: '人民币' }, 15],
  [{ typeText: '有限责任公司(法人独资)', suffixes: ['有限公司'], currency: '人民币' }, 6],
  [{ typeText: '股份有限公司(非上市、自然人投资或控股)', suffixes: ['股份有限公司'], currency: '人民币' }, 4],
  [{ typeText: '有限责任公司(国有独资)', suffixes: ['有限公司', '集团有限公司'], currency: '人民币' }, 2],
  [{ typeText: '有限责任公司(外国法人独资)', suffixes: ['有限公司'], currency: '美元' }, 2],
  [{ typeText: '有限责任公司(中外合资)', suffixes: ['有限公司'], currency: '美元' }, 1],
  [{ typeText: '个人独资企业', suffixes: ['商行', '经营部', '工作室'], currency: '人民币' }, 8],
  [{ typeText: '普通合伙企业', suffixes: ['中心（普通合伙）', '事务所（普通合伙）'], currency: '人民币' }, 3],
  [{ typeText: '有限合伙企业', suffixes: ['合伙企业（有限合伙）'], currency: '人民币' }, 4],
]);

const INDIVIDUAL_FORM: LegalForm = { typeText: '个体工商户', suffixes: [], currency: '人民币' };
const COOPERATIVE_FORM: LegalForm = { typeText: '农民专业合作社', suffixes: ['专业合作社'], currency: '人民币' };

const INDUSTRY_TABLE = new WeightedTable(INDUSTRIES.map((i) => [i, i.weight] as [Industry, number]));

export interface Profile extends KindSpec {
  index: number;
  registeredBefore2015: boolean;
  /** the registering office's division (USCC positions 3-8) */
  region: Division;
  foundedDay: number;
  /** null for subjects not registered with market regulation */
  legalForm: LegalForm | null;
  industry: Industry;
  /** for individual businesses the shop kind (便利店), for cooperatives the trade (蔬菜种植), else the industry */
  activity: string;
  name: string;
}

function tradeName(random: Random): string {
  const first = random.pick(TRADE_CHARACTERS);
  let second = random.pick(TRADE_CHARACTERS);
  if (second === first) second = random.pick(TRADE_CHARACTERS);
  return first + second;
}

function enterpriseName(random: Random, region: Division, form: LegalForm, industry: Industry): string {
  const trade = tradeName(random);
  const suffix = random.pick(form.suffixes);
  if (form.typeText === '个人独资企业') return `${locality(region)}${trade}${industry.name}${suffix}`;
  if (form.typeText === '有限合伙企业') return `${shortCityName(region)}${trade}${random.pick(['投资', '股权投资', '企业管理咨询'])}${suffix}`;
  if (region.level === 'province') return `${shortProvinceName(region)}${trade}${industry.name}${suffix}`;
  const roll = random.next();
  if (roll < 0.45) return `${shortCityName(region)}${trade}${industry.name}${suffix}`;
  if (roll < 0.7) return `${shortCityName(region)}市${trade}${industry.name}${suffix}`.replace('市市', '市');
  if (roll < 0.85) return `${trade}（${shortCityName(region)}）${industry.name}${suffix}`;
  return `${shortProvinceName(region)}${trade}${industry.name}${suffix}`;
}

function individualBusinessName(random: Random, region: Division, owner: PersonName, shop: string): string {
  const roll = random.next();
  if (roll < 0.5) return `${locality(region)}${owner.surname}记${shop}`;
  if (roll < 0.8) return `${locality(region)}${tradeName(random)}${shop}`;
  return `${locality(region)}${owner.name}${shop}`;
}

interface NameParts {
  spec: KindSpec;
  region: Division;
  form: LegalForm | null;
  industry: Industry;
  owner: PersonName | null;
  activity: string;
}

function nameOf(random: Random, { spec, region, form, industry, owner, activity }: NameParts): string {
  switch (spec.kind) {
    case 'ENTERPRISE':
      return enterpriseName(random, region, form!, industry);
    case 'INDIVIDUAL_BUSINESS':
      return individualBusinessName(random, region, owner!, activity);
    case 'FARMERS_COOPERATIVE':
      return `${locality(region)}${tradeName(random)}${activity}专业合作社`;
    case 'PUBLIC_INSTITUTION':
      return locality(region) + random.pick(PUBLIC_INSTITUTIONS);
    case 'SOCIAL_ORGANIZATION':
      return locality(region) + random.pick(SOCIAL_ORGANIZATIONS);
    default:
      return locality(region) + tradeName(random) + random.pick(PRIVATE_NON_ENTERPRISES);
  }
}

export function drawProfile(seed: readonly [number, number], index: number): Profile {
  const random = Random.for(seed, index, Stream.Profile);
  const spec = KINDS.pick(random);
  const registeredBefore2015 = random.chance(PRE_2015_SHARE);
  // individual businesses and cooperatives register with the county office
  const level = spec.kind === 'INDIVIDUAL_BUSINESS' || spec.kind === 'FARMERS_COOPERATIVE' ? 'area' : 'any';
  const region = pickRegion(random, level);
  // pre-2015 foundings lean towards the reform (more entities every year); later ones are uniform
  const foundedDay = registeredBefore2015
    ? REFORM_DAY - 1 - Math.floor(random.next() ** 1.6 * (REFORM_DAY - EARLIEST_FOUNDING))
    : random.between(REFORM_DAY, TODAY - 90);
  const legalForm = !spec.market
    ? null
    : spec.kind === 'ENTERPRISE'
      ? ENTERPRISE_FORMS.pick(random)
      : spec.kind === 'INDIVIDUAL_BUSINESS'
        ? INDIVIDUAL_FORM
        : COOPERATIVE_FORM;
  const industry = INDUSTRY_TABLE.pick(random);
  const activity =
    spec.kind === 'INDIVIDUAL_BUSINESS' ? random.pick(SHOP_KINDS) : spec.kind === 'FARMERS_COOPERATIVE' ? random.pick(COOPERATIVE_TRADES) : industry.name;
  // an individual business may carry its owner's name; the market record draws the same person again
  const owner = spec.kind === 'INDIVIDUAL_BUSINESS' ? drawPersonName(Random.for(seed, index, Stream.Person)) : null;
  const name = nameOf(random, { spec, region, form: legalForm, industry, owner, activity });
  // spelled out: an object spread here costs more than the rest of the profile together
  return {
    registrationAuthority: spec.registrationAuthority,
    entityType: spec.entityType,
    kind: spec.kind,
    market: spec.market,
    newStylePrefix: spec.newStylePrefix,
    index,
    registeredBefore2015,
    region,
    foundedDay,
    legalForm,
    industry,
    activity,
    name,
  };
}
