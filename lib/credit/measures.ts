/**
 * The measures catalogue (联合奖惩措施): for each list and scenario, what the checking office does —
 * REFUSE, RESTRICT (with the text of the measure) or PRIORITY — and on what legal basis. A list and
 * scenario without an entry has no measure. Data, versioned like the list catalogue; ids are
 * `<list id>/<scenario>` and are what `recordMeasure` names.
 */

export const MEASURE_CATALOGUE_VERSION = '2026-12-04.1';

export const SCENARIOS = {
  PROCUREMENT: '政府采购',
  BIDDING: '招标投标',
  FISCAL_SUPPORT: '财政资金支持',
  HONORS: '评优评先',
  ADMINISTRATIVE_APPROVAL: '行政审批',
} as const;
export type Scenario = keyof typeof SCENARIOS;

export type MeasureEffect = 'REFUSE' | 'RESTRICT' | 'PRIORITY';

export interface MeasureEntry {
  effect: MeasureEffect;
  text: string;
  basis: string;
}

export interface Measure extends MeasureEntry {
  id: string;
  list: string;
  scenario: Scenario;
}

const PROCUREMENT_BASIS = '《政府采购法》第二十二条; 《关于在政府采购活动中查询及使用信用记录有关问题的通知》(财库〔2016〕125号)';
const BIDDING_BASIS = '《招标投标法实施条例》; 《关于在招标投标活动中对失信被执行人实施联合惩戒的通知》(法〔2016〕285号)';

const refuseTenders = (memo: string): Partial<Record<Scenario, MeasureEntry>> => ({
  PROCUREMENT: { effect: 'REFUSE', text: '拒绝其参与政府采购活动', basis: `${PROCUREMENT_BASIS}; ${memo}` },
  BIDDING: { effect: 'REFUSE', text: '限制其参与招标投标, 不得中标', basis: `${BIDDING_BASIS}; ${memo}` },
  FISCAL_SUPPORT: { effect: 'REFUSE', text: '不予安排财政资金支持', basis: memo },
  HONORS: { effect: 'REFUSE', text: '不得参加评优评先', basis: memo },
  ADMINISTRATIVE_APPROVAL: { effect: 'RESTRICT', text: '列为重点审查对象, 不适用告知承诺和容缺受理', basis: memo },
});

const COURT_MEMO = '《关于对失信被执行人实施联合惩戒的合作备忘录》(发改财金〔2016〕141号)';
const TAX_MEMO = '《关于对重大税收违法失信主体实施联合惩戒的合作备忘录》(发改财金〔2016〕1580号)';
const MARKET_MEMO = '《失信企业协同监管和联合惩戒合作备忘录》(发改财金〔2015〕2045号)';
const CUSTOMS_MEMO = '《关于对海关失信企业实施联合惩戒的合作备忘录》(发改财金〔2017〕427号)';
const GRADE_D_BASIS = '《纳税信用管理办法（试行）》第三十二条; 《关于对纳税信用D级纳税人实施联合惩戒的合作备忘录》';
const GRADE_A_MEMO = '《关于对纳税信用A级纳税人实施联合激励措施的合作备忘录》(发改财金〔2016〕1467号)';
const CUSTOMS_RED_MEMO = '《关于对海关高级认证企业实施联合激励的合作备忘录》(发改财金〔2016〕2190号)';

const incentives = (memo: string): Partial<Record<Scenario, MeasureEntry>> => ({
  ADMINISTRATIVE_APPROVAL: { effect: 'PRIORITY', text: '开通绿色通道, 容缺受理', basis: memo },
  FISCAL_SUPPORT: { effect: 'PRIORITY', text: '同等条件下优先安排财政资金支持', basis: memo },
  HONORS: { effect: 'PRIORITY', text: '评优评先中优先考虑', basis: memo },
  PROCUREMENT: { effect: 'PRIORITY', text: '在政府采购评审中作为信用加分参考', basis: memo },
});

/** list id → scenario → measure */
export const MEASURE_TABLE: Readonly<Record<string, Partial<Record<Scenario, MeasureEntry>>>> = {
  'court.dishonest-debtor': refuseTenders(COURT_MEMO),
  'court.consumption-restriction': {
    FISCAL_SUPPORT: { effect: 'RESTRICT', text: '限制其获得与高消费相关的财政补贴', basis: '法释〔2015〕17号 第三条' },
    HONORS: { effect: 'REFUSE', text: '不得参加评优评先', basis: '法释〔2015〕17号' },
  },
  'tax.major-violation': refuseTenders(TAX_MEMO),
  'tax.grade-d': {
    PROCUREMENT: { effect: 'RESTRICT', text: '在政府采购评审中依法依规限制', basis: GRADE_D_BASIS },
    BIDDING: { effect: 'RESTRICT', text: '在招标投标中依法依规限制', basis: GRADE_D_BASIS },
    FISCAL_SUPPORT: { effect: 'REFUSE', text: '不予安排财政资金支持', basis: GRADE_D_BASIS },
    HONORS: { effect: 'REFUSE', text: '不得参加评优评先', basis: GRADE_D_BASIS },
    ADMINISTRATIVE_APPROVAL: { effect: 'RESTRICT', text: '列为重点监控对象, 加强审查', basis: GRADE_D_BASIS },
  },
  'market.serious-violation': refuseTenders(MARKET_MEMO),
  'customs.dishonest': {
    ...refuseTenders(CUSTOMS_MEMO),
    BIDDING: { effect: 'RESTRICT', text: '在招标投标中依法依规限制, 作为评标参考', basis: CUSTOMS_MEMO },
  },
  'tax.grade-a': incentives(GRADE_A_MEMO),
  'customs.advanced-certified': incentives(CUSTOMS_RED_MEMO),
};

function measureId(list: string, scenario: Scenario): string {
  return `${list}/${scenario}`;
}

/** The measure of a list in a scenario, or null when that list has none there. */
export function measureFor(list: string, scenario: Scenario): Measure | null {
  const entry = MEASURE_TABLE[list]?.[scenario];
  return entry ? { ...entry, id: measureId(list, scenario), list, scenario } : null;
}
