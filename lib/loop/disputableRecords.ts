import type { Department } from '../departments';

/**
 * The department records a subject may object to (异议), one table: the GraphQL type of the record,
 * the department that owns it, where it sits under `Subject`, and which of its fields is the
 * department's own identifier of it (`recordRef`). Market's abnormal-operations register and the
 * tax authority's publications number nothing, so their entry's date names it (one listing a day
 * at most, per subject); a customs class is one per subject and named by the customs code.
 * Every type here carries `dispute: Dispute` in its department's SDL (lib/loop/disputes.ts).
 */
export interface DisputableRecord {
  department: Department;
  /** the section field of `Subject` */
  section: string;
  /** the list field of the section (null: the section itself is the record) */
  list: string | null;
  /** the field whose value is the department's identifier of the record */
  ref: string;
}

export const DISPUTABLE_RECORDS = {
  AdministrativePenalty: { department: 'market', section: 'marketSupervision', list: 'penalties', ref: 'decisionNumber' },
  AbnormalOperation: { department: 'market', section: 'marketSupervision', list: 'abnormalOperations', ref: 'listedOn' },
  DishonestDebtorRecord: { department: 'court', section: 'judicial', list: 'dishonestDebtor', ref: 'caseNumber' },
  EnforcementCase: { department: 'court', section: 'judicial', list: 'enforcementCases', ref: 'caseNumber' },
  ConsumptionRestriction: { department: 'court', section: 'judicial', list: 'consumptionRestrictions', ref: 'caseNumber' },
  MajorTaxViolation: { department: 'tax', section: 'tax', list: 'majorViolations', ref: 'publishedOn' },
  CustomsProfile: { department: 'customs', section: 'customs', list: null, ref: 'customsCode' },
} as const satisfies Record<string, DisputableRecord>;

export type DisputableType = keyof typeof DISPUTABLE_RECORDS;

export function isDisputableType(name: string): name is DisputableType {
  return Object.prototype.hasOwnProperty.call(DISPUTABLE_RECORDS, name);
}

/** fields that are the graph's, not the department's record: nothing to object to */
const NOT_RECORD_FIELDS = new Set(['dispute', 'source', '__typename']);

/**
 * `field` of an objection: the schema coordinate of the disputed value, e.g.
 * `AdministrativePenalty.fine`. Returns why it is refused, or null.
 */
export function fieldProblem(coordinate: string, department: Department): string | null {
  const match = /^([A-Z][A-Za-z]*)\.([a-z][A-Za-z0-9]*)$/.exec(coordinate);
  if (!match) return 'field must be a schema coordinate such as AdministrativePenalty.fine';
  const [, type, field] = match;
  if (!isDisputableType(type)) return `${type} is not a record one may object to (${Object.keys(DISPUTABLE_RECORDS).join(', ')})`;
  if (DISPUTABLE_RECORDS[type].department !== department) return `${type} is a record of ${DISPUTABLE_RECORDS[type].department}, not of ${department}`;
  if (NOT_RECORD_FIELDS.has(field)) return `${coordinate} is not a value of the department's record`;
  return null;
}
