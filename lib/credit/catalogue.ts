import { Kind, parse, type SelectionSetNode } from 'graphql';
import { CREDIT_LISTS, type CreditList, type ListRule } from './lists';
import { MEASURE_TABLE, SCENARIOS, type MeasureEntry, type Scenario } from './measures';
import { RECORD_SETS } from './recordSets';

/**
 * Checks the two catalogues against each other and against the graph, once at start (developer
 * misuse throws at once, naming the entry): unique ids, each rule reading its own department's
 * data, measures only for known lists and scenarios, incentives only for red lists and sanctions
 * only for black ones, repair terms for every black list; and every field a rule reads covered by
 * the `@requires` selection of `Subject.creditCheck`.
 */

/** one field the check reads for a list, with the record as it is when the subject is listed */
export interface FieldRead {
  coordinate: string;
  /** the record's values the rule's `equals` conditions fix (for value-based classes: tax grade A) */
  listedRecord: Record<string, string>;
}

function ruleFields(rule: ListRule): string[] {
  return [...new Set([...rule.where.map((c) => c.field), ...(rule.since ? [rule.since] : []), ...(rule.newestBy ? [rule.newestBy] : []), ...rule.evidence])];
}

/** Every coordinate the list's rules read, from `Subject` down: what authorization and audit cover. */
export function fieldsRead(list: CreditList): FieldRead[] {
  const reads = new Map<string, FieldRead>();
  for (const rule of list.rules) {
    const set = RECORD_SETS[rule.records];
    const listedRecord = Object.fromEntries(rule.where.flatMap((c) => ('equals' in c ? [[c.field, c.equals]] : [])));
    for (const coordinate of set.path) reads.set(coordinate, { coordinate, listedRecord: {} });
    for (const field of ruleFields(rule)) reads.set(`${set.recordType}.${field}`, { coordinate: `${set.recordType}.${field}`, listedRecord });
  }
  return [...reads.values()];
}

/** the selection paths each rule needs, e.g. ["judicial", "dishonestDebtor", "caseNumber"] */
function requiredPaths(lists: readonly CreditList[] = CREDIT_LISTS): string[][] {
  return lists.flatMap((list) =>
    list.rules.flatMap((rule) => {
      const steps = rule.records.split('.');
      return [...ruleFields(rule).map((f) => [...steps, f]), [steps[0]!, 'source', 'fetchedAt']];
    }),
  );
}

function hasPath(selections: SelectionSetNode | undefined, path: string[]): boolean {
  if (path.length === 0) return true;
  const field = selections?.selections.find((s) => s.kind === Kind.FIELD && s.name.value === path[0]);
  return field?.kind === Kind.FIELD && hasPath(field.selectionSet, path.slice(1));
}

export function validateCatalogue(options: { lists?: readonly CreditList[]; measures?: typeof MEASURE_TABLE; requires?: string } = {}): void {
  const lists = options.lists ?? CREDIT_LISTS;
  const measures = options.measures ?? MEASURE_TABLE;
  const problems: string[] = [];
  const byId = new Map<string, CreditList>();
  for (const list of lists) {
    if (byId.has(list.id)) problems.push(`list ${list.id} is listed twice`);
    byId.set(list.id, list);
    if (list.rules.length === 0) problems.push(`list ${list.id} has no rule`);
    for (const rule of list.rules) {
      if (RECORD_SETS[rule.records].department !== list.department) problems.push(`list ${list.id} (${list.department}) reads ${rule.records}, another department's data`);
    }
    if ((list.kind === 'BLACK') !== (list.repair !== null)) problems.push(`list ${list.id}: black lists state repair terms, red lists none`);
  }
  for (const [listId, byScenario] of Object.entries(measures)) {
    const list = byId.get(listId);
    if (!list) {
      problems.push(`measures name unknown list ${listId}`);
      continue;
    }
    for (const [scenario, entry] of Object.entries(byScenario) as [string, MeasureEntry][]) {
      if (!(scenario in SCENARIOS)) problems.push(`measure ${listId}/${scenario}: unknown scenario`);
      if ((entry.effect === 'PRIORITY') !== (list.kind === 'RED')) problems.push(`measure ${listId}/${scenario}: ${entry.effect} on a ${list.kind} list`);
      if (!entry.text || !entry.basis) problems.push(`measure ${listId}/${scenario} needs its text and legal basis`);
    }
  }
  if (options.requires !== undefined) {
    const selection = (parse(`{ ${options.requires} }`).definitions[0] as { selectionSet: SelectionSetNode }).selectionSet;
    for (const path of requiredPaths(lists)) {
      if (!hasPath(selection, path)) problems.push(`@requires of Subject.creditCheck lacks ${path.join('.')}`);
    }
  }
  if (problems.length > 0) throw new Error(`credit catalogue invalid:\n- ${problems.join('\n- ')}`);
}

export type { Scenario };
