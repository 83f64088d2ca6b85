import type { Department } from '../departments';
import { CREDIT_LISTS, LIST_CATALOGUE_VERSION, type CreditList } from './lists';
import { MEASURE_CATALOGUE_VERSION, measureFor, type Measure, type Scenario } from './measures';
import { RECORD_SETS } from './recordSets';
import { matchList, type EvidenceItem, type Row } from './rules';

/**
 * One credit check over the sections the gateway fetched for it: which lists the subject is on,
 * which measures apply in the scenario, and the verdict. Pure: who may read which list is
 * decided by the caller (`mayRead`), the check's record and audit entries are written by it.
 */

export type Verdict = 'PASS' | 'RESTRICTED' | 'REFUSED' | 'INCOMPLETE';

export const CATALOGUE_VERSION = `lists ${LIST_CATALOGUE_VERSION}, measures ${MEASURE_CATALOGUE_VERSION}`;

export interface Listing {
  list: CreditList;
  since: string | null;
  evidence: EvidenceItem[];
}

/** an approved 信用修复 (lib/loop/RepairStore.ts): the listing of `listId` that began on `listedSince` is out of the check */
export interface RepairOverlay {
  id: string;
  listId: string;
  listedSince: string | null;
  approvedOn: string;
}

export interface CheckOutcome {
  verdict: Verdict;
  listings: Listing[];
  /** listings the subject is on in the department's data but repaired: no measure, no verdict */
  repairedListings: (Listing & { repair: RepairOverlay })[];
  measures: Measure[];
  missingDepartments: Department[];
  listsUndetermined: CreditList[];
  listsNotChecked: CreditList[];
}

export interface CheckInput {
  scenario: Scenario;
  /** the `@requires` data: the sections and each department's `<department>Answered` */
  data: Row;
  /** may this consumer read the evidence of this list (were the subject on it)? */
  mayRead(list: CreditList): boolean;
  asOf: Date;
  lists?: readonly CreditList[];
  /** the subject's approved repairs: the platform's overlay, department data never rewritten */
  repairs?: readonly RepairOverlay[];
}

/** whether the department answered: `<department>Answered` true; false or missing (refused, failed) is not */
export function departmentAnswered(data: Row, department: Department): boolean {
  return data[`${department}Answered`] === true;
}

export function evaluateCheck(input: CheckInput): CheckOutcome {
  const lists = input.lists ?? CREDIT_LISTS;
  const listings: Listing[] = [];
  const repairedListings: CheckOutcome['repairedListings'] = [];
  const listsUndetermined: CreditList[] = [];
  const listsNotChecked: CreditList[] = [];
  for (const list of lists) {
    // Out of this consumer's check altogether: it learns neither the listing nor its absence.
    if (!input.mayRead(list)) {
      listsNotChecked.push(list);
      continue;
    }
    if (!list.rules.every((rule) => departmentAnswered(input.data, RECORD_SETS[rule.records].department))) {
      listsUndetermined.push(list);
      continue;
    }
    const matches = matchList(list, input.data, input.asOf);
    if (matches.length === 0) continue;
    const dates = matches.map((m) => m.since).filter((d): d is string => d !== null).sort();
    const listing = { list, since: dates[0] ?? null, evidence: matches.flatMap((m) => m.evidence) };
    // the same listing (same list, same beginning) as the one repaired; a later listing is a new one
    const repair = input.repairs?.find((r) => r.listId === list.id && r.listedSince === listing.since);
    if (repair) repairedListings.push({ ...listing, repair });
    else listings.push(listing);
  }
  // 联合激励 is for subjects of good credit: a black listing withholds every red list's incentive.
  const blackListed = listings.some((l) => l.list.kind === 'BLACK');
  const measures = listings
    .filter((l) => !(blackListed && l.list.kind === 'RED'))
    .flatMap((l) => measureFor(l.list.id, input.scenario) ?? []);
  const missingDepartments = [...new Set(listsUndetermined.map((l) => l.department))];
  return { verdict: verdictOf(measures, listsUndetermined.length > 0), listings, repairedListings, measures, missingDepartments, listsUndetermined, listsNotChecked };
}

/**
 * A refusal found stands even when another department is missing (it cannot be undone by more
 * data); otherwise a missing department makes the check INCOMPLETE — never a PASS by omission.
 */
function verdictOf(measures: Measure[], incomplete: boolean): Verdict {
  if (measures.some((m) => m.effect === 'REFUSE')) return 'REFUSED';
  if (incomplete) return 'INCOMPLETE';
  if (measures.some((m) => m.effect === 'RESTRICT')) return 'RESTRICTED';
  return 'PASS';
}
