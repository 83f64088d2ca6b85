import type { Condition, CreditList, ListRule } from './lists';
import { DISPUTABLE_RECORDS, isDisputableType } from '../loop/disputableRecords';
import { RECORD_SETS } from './recordSets';

/**
 * Interprets the list catalogue's rules over the department sections the gateway fetched for the
 * check (the `@requires` selection of `Subject.creditCheck`, as plain JSON).
 */

/** a record or section as JSON: the gateway passes `@requires` data as it fetched it */
export type Row = Record<string, unknown>;

export interface EvidenceItem {
  /** the record's schema coordinate, e.g. DishonestDebtorRecord.caseNumber */
  coordinate: string;
  field: string;
  value: string | null;
  /** the section's provenance as its department reported it */
  source: Row | null;
  /**
   * the record the value comes from, as an objection names it (lib/loop/disputableRecords.ts):
   * its type and the department's identifier, when it is among the check's data (a customs
   * profile is one per subject: null ref)
   */
  record: { type: string; ref: string | null };
}

export interface Match {
  since: string | null;
  evidence: EvidenceItem[];
}

const DAY_MS = 86_400_000;

/** `date` (YYYY-MM-DD) lies at least `years` whole years before `asOf` */
function olderThanYears(date: string, years: number, asOf: Date): boolean {
  const limit = new Date(asOf.getTime());
  limit.setUTCFullYear(limit.getUTCFullYear() - years);
  return Date.parse(`${date}T00:00:00Z`) <= limit.getTime() - (limit.getTime() % DAY_MS);
}

function holds(condition: Condition, row: Row, asOf: Date): boolean {
  const value = row[condition.field];
  if ('isNull' in condition) return value === null || value === undefined;
  if (typeof value !== 'string') return false;
  if ('equals' in condition) return value === condition.equals;
  if ('contains' in condition) return value.includes(condition.contains);
  if ('olderThanYears' in condition) return olderThanYears(value, condition.olderThanYears, asOf);
  // Decimal strings of the graph ("123400.00"): yuan amounts far below 2^53 cents compare exactly
  return Number(value) >= Number(condition.atLeast);
}

/** The records of a rule's set in the subject's data: undefined when the section is missing. */
export function recordsOf(data: Row, rule: ListRule): { rows: Row[]; source: Row | null } | undefined {
  const set = RECORD_SETS[rule.records];
  const [section, ...rest] = rule.records.split('.');
  const sectionValue = data[section!];
  if (sectionValue === undefined) return undefined;
  if (sectionValue === null || typeof sectionValue !== 'object' || Array.isArray(sectionValue)) return { rows: [], source: null };
  const source = ((sectionValue as Row).source as Row | undefined) ?? null;
  if (!set.list) return { rows: [sectionValue as Row], source };
  const list = rest.length ? (sectionValue as Row)[rest[0]!] : sectionValue;
  return { rows: Array.isArray(list) ? (list.filter((r) => r !== null && typeof r === 'object') as Row[]) : [], source };
}

function newest(rows: Row[], field: string): Row[] {
  let best: Row | undefined;
  for (const row of rows) if (typeof row[field] === 'number' && (!best || (row[field] as number) > (best[field] as number))) best = row;
  return best ? [best] : [];
}

/** The records putting the subject on this list, with their evidence; [] when it is not on it. */
export function matchList(list: CreditList, data: Row, asOf: Date): Match[] {
  return list.rules.flatMap((rule) => {
    const found = recordsOf(data, rule);
    if (!found) return [];
    const rows = rule.newestBy ? newest(found.rows, rule.newestBy) : found.rows;
    const { recordType } = RECORD_SETS[rule.records];
    const refField = isDisputableType(recordType) ? DISPUTABLE_RECORDS[recordType].ref : null;
    return rows
      .filter((row) => rule.where.every((c) => holds(c, row, asOf)))
      .map((row) => ({
        since: rule.since ? ((row[rule.since] as string | null) ?? null) : null,
        evidence: rule.evidence.map((field) => ({
          coordinate: `${recordType}.${field}`,
          field,
          value: row[field] === null || row[field] === undefined ? null : String(row[field]),
          source: found.source,
          record: { type: recordType, ref: refField && row[refField] !== null && row[refField] !== undefined ? String(row[refField]) : null },
        })),
      }));
  });
}
