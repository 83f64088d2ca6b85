import type { Department } from '../departments';

/**
 * The department records the list rules read, each named by its path from `Subject` as the graph
 * writes it. For every set: the department whose subgraph answers it and the schema coordinates
 * on the way, so the credit check can authorize and audit each value it read exactly as if the
 * consumer had selected it (SPEC §8: one entry per field coordinate).
 */
export interface RecordSet {
  department: Department;
  /** the coordinates from `Subject` down to the records, e.g. Subject.judicial, JudicialProfile.dishonestDebtor */
  path: readonly string[];
  /** the GraphQL type of one record: its fields' coordinates are `${recordType}.${field}` */
  recordType: string;
  /** a list of records (false: the section itself is the one record, e.g. customs) */
  list: boolean;
}

export const RECORD_SETS = {
  'judicial.dishonestDebtor': { department: 'court', path: ['Subject.judicial', 'JudicialProfile.dishonestDebtor'], recordType: 'DishonestDebtorRecord', list: true },
  'judicial.consumptionRestrictions': {
    department: 'court',
    path: ['Subject.judicial', 'JudicialProfile.consumptionRestrictions'],
    recordType: 'ConsumptionRestriction',
    list: true,
  },
  'tax.majorViolations': { department: 'tax', path: ['Subject.tax', 'TaxProfile.majorViolations'], recordType: 'MajorTaxViolation', list: true },
  'tax.rating': { department: 'tax', path: ['Subject.tax', 'TaxProfile.rating'], recordType: 'TaxRating', list: true },
  'marketSupervision.abnormalOperations': {
    department: 'market',
    path: ['Subject.marketSupervision', 'MarketSupervision.abnormalOperations'],
    recordType: 'AbnormalOperation',
    list: true,
  },
  'marketSupervision.penalties': {
    department: 'market',
    path: ['Subject.marketSupervision', 'MarketSupervision.penalties'],
    recordType: 'AdministrativePenalty',
    list: true,
  },
  customs: { department: 'customs', path: ['Subject.customs'], recordType: 'CustomsProfile', list: false },
} as const satisfies Record<string, RecordSet>;

export type RecordSetName = keyof typeof RECORD_SETS;
