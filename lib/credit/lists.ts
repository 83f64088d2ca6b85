import type { Department } from '../departments';
import type { RecordSetName } from './recordSets';

/**
 * The list catalogue (红黑名单): which lists exist, who designates each, and the rule over that
 * department's own data that puts a subject on it. Data, versioned with the repository: a change
 * of rule is a change of `LIST_CATALOGUE_VERSION`, and every recorded check names the version it
 * applied. Rules are declarative (lib/credit/rules.ts interprets them) so that the fields a rule
 * reads are known without running it: the platform's `@requires` must cover them, and the check
 * authorizes and audits exactly those fields (lib/credit/catalogue.ts validates both at start).
 */

export const LIST_CATALOGUE_VERSION = '2026-12-04.1';

/** A test on one field of one record; a rule holds when all of its conditions do. */
export type Condition =
  | { field: string; equals: string }
  | { field: string; isNull: true }
  /** a Date field at least this many whole years before the day of the check */
  | { field: string; olderThanYears: number }
  | { field: string; contains: string }
  /** a Decimal field at least this amount */
  | { field: string; atLeast: string };

export interface ListRule {
  records: RecordSetName;
  /** only the newest record by this integer field counts (e.g. the last rating year) */
  newestBy?: string;
  where: readonly Condition[];
  /** the record's date from which the listing runs (null: the record has none, e.g. a rating year) */
  since: string | null;
  /** the record's fields shown as evidence of the listing */
  evidence: readonly string[];
}

/** 信用修复 (issue 12): whether a listing can be repaired on application, and from when. */
export interface RepairTerms {
  repairable: boolean;
  /** earliest repair, in months after the listing's `since` (0: at once, once the violation is corrected) */
  afterMonths: number | null;
  basis: string;
}

export interface CreditList {
  /** stable id, `<department>.<name>`; recorded in checks and used by the measures catalogue */
  id: string;
  name: string;
  kind: 'BLACK' | 'RED';
  department: Department;
  /** the subject is on the list when any rule holds for any record */
  rules: readonly ListRule[];
  basis: string;
  /** null for red lists: there is nothing to repair */
  repair: RepairTerms | null;
}

export const CREDIT_LISTS: readonly CreditList[] = [
  {
    id: 'court.dishonest-debtor',
    name: '失信被执行人',
    kind: 'BLACK',
    department: 'court',
    rules: [
      {
        records: 'judicial.dishonestDebtor',
        where: [{ field: 'status', equals: 'ACTIVE' }],
        since: 'publishedOn',
        evidence: ['caseNumber', 'court', 'filedOn', 'publishedOn', 'status'],
      },
    ],
    basis: '《最高人民法院关于公布失信被执行人名单信息的若干规定》(法释〔2017〕7号)',
    // serious dishonesty: the court removes the entry once the obligation is performed; no repair
    repair: { repairable: false, afterMonths: null, basis: '法释〔2017〕7号 第十条: 履行完毕后由法院删除, 不适用信用修复' },
  },
  {
    id: 'court.consumption-restriction',
    name: '限制消费',
    kind: 'BLACK',
    department: 'court',
    rules: [
      {
        records: 'judicial.consumptionRestrictions',
        where: [{ field: 'status', equals: 'ACTIVE' }],
        since: 'publishedOn',
        evidence: ['caseNumber', 'court', 'publishedOn', 'status'],
      },
    ],
    basis: '《最高人民法院关于限制被执行人高消费及有关消费的若干规定》(法释〔2015〕17号)',
    repair: { repairable: false, afterMonths: null, basis: '法释〔2015〕17号 第九条: 由法院解除限制, 不适用信用修复' },
  },
  {
    id: 'tax.major-violation',
    name: '重大税收违法失信主体',
    kind: 'BLACK',
    department: 'tax',
    rules: [{ records: 'tax.majorViolations', where: [], since: 'publishedOn', evidence: ['nature', 'publishedOn'] }],
    basis: '《重大税收违法失信主体信息公布管理办法》(国家税务总局令第54号)',
    repair: { repairable: true, afterMonths: 0, basis: '总局令第54号 第十四条: 缴清税款、滞纳金和罚款后可申请提前停止公布' },
  },
  {
    id: 'tax.grade-d',
    name: '纳税信用D级纳税人',
    kind: 'BLACK',
    department: 'tax',
    // D grades are not published: only consumers who may read the grade learn of this listing
    rules: [{ records: 'tax.rating', newestBy: 'year', where: [{ field: 'grade', equals: 'D' }], since: null, evidence: ['year', 'grade'] }],
    basis: '《纳税信用管理办法（试行）》(国家税务总局公告2014年第40号) 第三十二条',
    repair: { repairable: true, afterMonths: 0, basis: '《纳税信用修复办法》(国家税务总局公告2019年第37号)' },
  },
  {
    id: 'market.serious-violation',
    name: '严重违法失信企业',
    kind: 'BLACK',
    department: 'market',
    rules: [
      {
        // still on the abnormal-operations register three years after being listed
        records: 'marketSupervision.abnormalOperations',
        where: [
          { field: 'removedOn', isNull: true },
          { field: 'listedOn', olderThanYears: 3 },
        ],
        since: 'listedOn',
        evidence: ['reason', 'listedOn', 'removedOn'],
      },
      {
        // 较重行政处罚: confiscation of illegal gains with a fine of 100,000 yuan or more
        records: 'marketSupervision.penalties',
        where: [
          { field: 'kind', contains: '没收违法所得' },
          { field: 'fine', atLeast: '100000' },
        ],
        since: 'decidedOn',
        evidence: ['decisionNumber', 'kind', 'fine', 'decidedOn'],
      },
    ],
    basis: '《市场监督管理严重违法失信名单管理办法》(国家市场监督管理总局令第44号) 第二条、第十条',
    repair: { repairable: true, afterMonths: 12, basis: '总局令第44号 第十五条: 列入满一年, 已改正违法行为并履行义务的, 可申请提前移出' },
  },
  {
    id: 'customs.dishonest',
    name: '海关失信企业',
    kind: 'BLACK',
    department: 'customs',
    rules: [{ records: 'customs', where: [{ field: 'creditClass', equals: 'DISHONEST' }], since: 'certifiedOn', evidence: ['creditClass', 'certifiedOn'] }],
    basis: '《中华人民共和国海关注册登记和备案企业信用管理办法》(海关总署令第251号)',
    repair: { repairable: true, afterMonths: 12, basis: '海关总署令第251号 第二十一条: 认定满一年, 可申请信用修复' },
  },
  {
    id: 'tax.grade-a',
    name: '纳税信用A级纳税人',
    kind: 'RED',
    department: 'tax',
    // the last rating the tax authority has published (grade A is public)
    rules: [{ records: 'tax.rating', newestBy: 'year', where: [{ field: 'grade', equals: 'A' }], since: null, evidence: ['year', 'grade'] }],
    basis: '《关于对纳税信用A级纳税人实施联合激励措施的合作备忘录》(发改财金〔2016〕1467号)',
    repair: null,
  },
  {
    id: 'customs.advanced-certified',
    name: '海关高级认证企业',
    kind: 'RED',
    department: 'customs',
    rules: [{ records: 'customs', where: [{ field: 'creditClass', equals: 'ADVANCED_CERTIFIED' }], since: 'certifiedOn', evidence: ['creditClass', 'certifiedOn'] }],
    basis: '《关于对海关高级认证企业实施联合激励的合作备忘录》(发改财金〔2016〕2190号)',
    repair: null,
  },
];
