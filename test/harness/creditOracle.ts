import { MEASURE_TABLE, type Scenario } from '../../lib/credit/measures';
import type { Subject } from '../../legacy/world/types';

/**
 * Which lists a world subject is on, read from the stand-ins' world itself (raw texts: 有效,
 * 失信企业, cents) — independent of the catalogue's rule interpreter and the departments'
 * adapters, so a test comparing the two catches a wrong rule, a lost field or a lost record.
 */

const yearsBefore = (asOf: Date, years: number): string => {
  const d = new Date(asOf.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
};

export function listsOf(s: Subject, asOf = new Date()): string[] {
  const lists: string[] = [];
  if (s.court.dishonest.some((c) => c.status === '有效')) lists.push('court.dishonest-debtor');
  if (s.court.restrictions.some((c) => c.status === '有效')) lists.push('court.consumption-restriction');
  if (s.tax && s.tax.majorViolations.length > 0) lists.push('tax.major-violation');
  const newest = s.tax?.ratings.reduce<{ year: number; grade: string } | null>((a, r) => (!a || r.year > a.year ? r : a), null);
  if (newest?.grade === 'D') lists.push('tax.grade-d');
  if (newest?.grade === 'A') lists.push('tax.grade-a');
  if (
    s.enterprise &&
    (s.abnormal.some((a) => a.removedOn === null && a.listedOn <= yearsBefore(asOf, 3)) ||
      s.penalties.some((p) => p.kind.includes('没收违法所得') && p.fineFen >= 10_000_000))
  ) {
    lists.push('market.serious-violation');
  }
  if (s.customs?.creditClass === '失信企业') lists.push('customs.dishonest');
  if (s.customs?.creditClass === '高级认证企业') lists.push('customs.advanced-certified');
  return lists.sort();
}

const RED = new Set(['tax.grade-a', 'customs.advanced-certified']);

/** the effects that apply in a scenario: red incentives only for a subject on no black list */
export function effectsOf(lists: string[], scenario: Scenario): string[] {
  const black = lists.some((l) => !RED.has(l));
  return lists.filter((l) => !(black && RED.has(l))).flatMap((l) => MEASURE_TABLE[l]?.[scenario]?.effect ?? []);
}

export function verdictOf(lists: string[], scenario: Scenario): string {
  const effects = effectsOf(lists, scenario);
  if (effects.includes('REFUSE')) return 'REFUSED';
  if (effects.includes('RESTRICT')) return 'RESTRICTED';
  return 'PASS';
}
