import path from 'node:path';
import type { Consumer } from '../../lib/auth/consumer';
import { collectAccessPolicies, type AccessMap } from '../../lib/authz/accessPolicies';
import { decide } from '../../lib/authz/decide';
import { fieldsRead } from '../../lib/credit/catalogue';
import { departmentAnswered } from '../../lib/credit/evaluate';
import type { CreditList } from '../../lib/credit/lists';
import { RECORD_SETS } from '../../lib/credit/recordSets';
import { recordsOf, type Row } from '../../lib/credit/rules';
import { DEPARTMENTS } from '../../lib/departments';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import type { CheckRead } from './loaders';

/**
 * What a consumer may learn through a credit check, decided by the same declarations and the same
 * function as reading the fields directly: each department's `@access` in its own SDL, and
 * lib/authz/decide.ts. The departments' subgraphs already refused what this consumer may not read
 * in the `@requires` fetch; deciding again here keeps a list whose evidence the consumer may not
 * read out of its check altogether (a null there would otherwise read as "not listed").
 */

const DEPARTMENT_ACCESS: AccessMap = new Map(
  DEPARTMENTS.flatMap((d) => [...collectAccessPolicies(loadTypeDefs(path.join(__dirname, '..', d), { department: true }))]),
);

export interface CheckerFacts {
  consumer: Consumer;
  subject: string;
  consentId: string | null;
}

function granted(coordinate: string, facts: CheckerFacts, parent: unknown): ReturnType<typeof decide> | null {
  const policies = DEPARTMENT_ACCESS.get(coordinate);
  return policies ? decide(policies, { ...facts, parent }) : null;
}

/** May the consumer read every field this list reads, were the subject on it? */
export function mayReadList(list: CreditList, facts: CheckerFacts): boolean {
  return fieldsRead(list).every((read) => granted(read.coordinate, facts, read.listedRecord)?.granted ?? true);
}

/**
 * One read per field coordinate the check's `@requires` fetched, decided on the values as fetched
 * (a public consumer's non-A tax grade is DENIED, as the tax subgraph refused it): what the ledger
 * records as if the consumer had selected those fields. A department that did not answer delivered
 * nothing to record as GRANTED but that very fact (`<department>Answered` false; its section was
 * null with DEPARTMENT_UNAVAILABLE, the check INCOMPLETE); a refusal is recorded all the same,
 * being the consumer's, not the department's.
 */
export function checkReads(lists: readonly CreditList[], data: Row, facts: CheckerFacts, checkId: string): CheckRead[] {
  const reads = new Map<string, CheckRead>();
  const note = (field: string, decision: ReturnType<typeof decide> | null, delivered: boolean) => {
    const denied = decision !== null && !decision.granted;
    if (!denied && !delivered) return;
    const seen = reads.get(field);
    if (seen?.decision === 'DENIED') return;
    reads.set(field, { checkId, subject: facts.subject, field, decision: denied ? 'DENIED' : 'GRANTED', code: denied ? decision.code : null });
  };
  for (const department of new Set(lists.map((l) => l.department))) {
    // whether the department answered is itself read whenever it came back, true or false
    const answered = `Subject.${department}Answered`;
    note(answered, granted(answered, facts, undefined), typeof data[`${department}Answered`] === 'boolean');
  }
  for (const list of lists) {
    const delivered = list.rules.every((r) => departmentAnswered(data, RECORD_SETS[r.records].department));
    for (const read of fieldsRead(list)) {
      const rule = list.rules.find((r) => read.coordinate.startsWith(`${RECORD_SETS[r.records].recordType}.`));
      if (!rule) {
        note(read.coordinate, granted(read.coordinate, facts, undefined), delivered);
        continue;
      }
      // a record field is read only where there are records
      for (const row of recordsOf(data, rule)?.rows ?? []) note(read.coordinate, granted(read.coordinate, facts, row), delivered);
    }
  }
  return [...reads.values()];
}
