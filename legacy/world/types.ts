/**
 * The synthetic world the five legacy stand-ins serve. One `Subject` is generated on demand from
 * (seed, index); the world is never held in memory as a whole (WORLD_SIZE may be 1,000,000).
 *
 * Money is kept in integer cents (分; US cents for customs) so that every department can render
 * its own wire format exactly (万元 strings, yuan, 分) without floating-point drift.
 * Dates are ISO `YYYY-MM-DD`; each stand-in renders its own format.
 */

export type TaxGrade = 'A' | 'B' | 'M' | 'C' | 'D';
export type RegistrationStatusText = '存续' | '在业' | '迁出' | '吊销' | '注销';
export type CustomsCreditClassText = '高级认证企业' | '失信企业' | '常规';

export interface LegalRepresentative {
  name: string;
  /** GB 11643-1999 citizen ID of the natural person. */
  idNumber: string;
}

/** 企业登记 — what market regulation holds. */
export interface EnterpriseRecord {
  name: string;
  /** QYLX, e.g. 有限责任公司(自然人投资或控股) */
  typeText: string;
  legalRepresentative: LegalRepresentative;
  /** ZCZB: registered capital in cents of yuan (the stand-in renders 万元); in US cents when `currency` is 美元. */
  registeredCapitalFen: number;
  /** BZ, e.g. 人民币 */
  currency: string;
  foundedOn: string;
  status: RegistrationStatusText;
  /** DJJG */
  authority: string;
  address: string;
  scope: string;
  /** HZRQ */
  approvedOn: string;
}

export interface AbnormalRecord {
  reason: string;
  listedOn: string;
  authority: string;
  removalReason: string | null;
  removedOn: string | null;
}

export interface PenaltyRecord {
  decisionNumber: string;
  violationType: string;
  kind: string;
  content: string;
  fineFen: number;
  decidedOn: string;
  authority: string;
  publishUntil: string;
}

export interface TaxRecord {
  /** 纳税人识别号 as the tax system knows it: the USCC, or for pre-2015 taxpayers ONLY the old 15-char number. */
  taxpayerId: string;
  name: string;
  ratings: { year: number; grade: TaxGrade }[];
  payments: { year: number; amountFen: number }[];
  arrears: { taxKind: string; amountFen: number; since: string }[];
  majorViolations: { nature: string; facts: string; punishment: string; publishedOn: string }[];
}

export interface CourtCase {
  caseNumber: string;
  court: string;
  filedOn: string;
  amountFen: number;
  obligation: string;
  performance: string;
  conduct: string;
  publishedOn: string;
  status: '有效' | '已撤销';
}

export interface CourtRecord {
  /** sx 失信被执行人 */
  dishonest: CourtCase[];
  /** zx 被执行人 */
  enforcement: CourtCase[];
  /** xg 限制消费令 */
  restrictions: CourtCase[];
}

export interface CustomsRecord {
  /** 10-digit 海关编码 */
  customsCode: string;
  name: string;
  creditClass: CustomsCreditClassText;
  certifiedOn: string;
  /** the last three years, oldest first */
  years: { year: number; importUsdCents: number; exportUsdCents: number; violations: number }[];
}

export interface FinanceRecord {
  loanBalanceFen: number;
  overdueFen: number;
  overdueDays: number;
  guaranteesFen: number;
  ratingAgency: string;
  ratingGrade: string;
  ratedOn: string;
}

export interface Subject {
  index: number;
  uscc: string;
  /** 9 chars, positions 9-17 of the USCC */
  organizationCode: string;
  /** registered before 2015-10: has a 注册号, and tax knows it only by its old 税务登记号 */
  registeredBefore2015: boolean;
  /**
   * 15-digit 注册号, '' when registered after the USCC reform — and for subjects not registered
   * with market (enterprise null), which never had one even when `registeredBefore2015`.
   */
  registrationNumber: string;
  /** null when the subject is not registered with market regulation (e.g. 事业单位, 社会组织) */
  enterprise: EnterpriseRecord | null;
  abnormal: AbnormalRecord[];
  penalties: PenaltyRecord[];
  tax: TaxRecord | null;
  court: CourtRecord;
  customs: CustomsRecord | null;
  finance: FinanceRecord | null;
}

export interface WorldOptions {
  size: number;
  seed: number;
}

export interface World {
  readonly size: number;
  readonly seed: number;
  subject(index: number): Subject;
  findByUscc(uscc: string): Subject | undefined;
  /** 15-digit 注册号 */
  findByRegistrationNumber(registrationNumber: string): Subject | undefined;
  /** 纳税人识别号: matches `tax.taxpayerId` only (the tax system never maps one form to the other) */
  findByTaxpayerId(taxpayerId: string): Subject | undefined;
  /** `XXXXXXXX-C` as courts write it */
  findByOrganizationCode(code: string): Subject | undefined;
  findByCustomsCode(customsCode: string): Subject | undefined;
  /** subjects registered with market whose name contains `fragment`, in index order */
  searchByName(fragment: string, limit: number): Subject[];
}
