import type { Consumer } from '../../lib/auth/consumer';
import { INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER, signInternalToken } from '../../lib/auth/internalToken';
import { departmentAnswered, evaluateCheck, type Listing, type RepairOverlay } from '../../lib/credit/evaluate';
import type { CreditList } from '../../lib/credit/lists';
import type { Department } from '../../lib/departments';
import { clientError } from '../../lib/errors';
import { mayReadList } from './creditAccess';
import { requiresOf } from './checkRequires';

/**
 * Which of these lists is the subject on now? Answered by the credit check's own machinery, as a
 * check by the consumer would answer it: each designating department's subgraph is asked (in
 * parallel, once per department) for the sections the check's `@requires` reads, as that consumer
 * (the internal token states it, so the department's shield applies), and the lists' rules are
 * evaluated on them — a repair application's listing, a commitment's breach. Nothing is kept.
 */

export interface ListingsLookup {
  subgraphUrls: Record<Department, string>;
  internalTokenSecret: string;
  consumer: Consumer;
  requestId: string;
  uscc: string;
  lists: readonly CreditList[];
  asOf: Date;
  /** approved repairs: their listings are out, as in the check */
  repairs?: readonly RepairOverlay[];
  /** one department call at most this long; nothing here is retried (the caller repeats) */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

interface Answer {
  data?: { _entities?: (Record<string, unknown> | null)[] } | null;
}

function unavailable(department: Department) {
  return clientError('DEPARTMENT_UNAVAILABLE', `${department} could not confirm the subject's listings now; try again later`, { department });
}

/** one call to the department for every subject: their sections, or the error each is answered with */
async function sectionsOf(lookup: ManyListingsLookup, department: Department): Promise<(Record<string, unknown> | Error)[]> {
  const token = await signInternalToken({ consumer: lookup.consumer }, lookup.internalTokenSecret);
  let answer: Answer;
  try {
    const res = await fetch(lookup.subgraphUrls[department], {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: token, [REQUEST_ID_HEADER]: lookup.requestId },
      body: JSON.stringify({
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { ${requiresOf(department)} } } }`,
        variables: { r: lookup.subjects.map((s) => ({ __typename: 'Subject', uscc: s.uscc })) },
      }),
      signal: AbortSignal.timeout(lookup.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    answer = (await res.json()) as Answer;
  } catch {
    return lookup.subjects.map(() => unavailable(department));
  }
  // never "not listed" by omission: a department that did not answer is an error
  return lookup.subjects.map((_, i) => {
    const data = answer.data?._entities?.[i];
    return data && departmentAnswered(data, department) ? data : unavailable(department);
  });
}

export interface ManyListingsLookup extends Omit<ListingsLookup, 'uscc' | 'repairs'> {
  /** each subject with its approved repairs (their listings are out, as in the check) */
  subjects: readonly { uscc: string; repairs?: readonly RepairOverlay[] }[];
}

/**
 * the listings among `lookup.lists` of many subjects, as the check shows them to this consumer:
 * one call per department for them all; a subject a department did not answer for gets its error
 */
export async function currentListingsOfMany(lookup: ManyListingsLookup): Promise<(Listing[] | Error)[]> {
  const departments = [...new Set(lookup.lists.map((l) => l.department))];
  const answers = await Promise.all(departments.map((d) => sectionsOf(lookup, d)));
  return lookup.subjects.map((subject, i) => {
    const sections = answers.map((a) => a[i]!);
    const failed = sections.find((s): s is Error => s instanceof Error);
    if (failed) return failed;
    const facts = { consumer: lookup.consumer, subject: subject.uscc, consentId: null };
    const outcome = evaluateCheck({
      scenario: 'PROCUREMENT',
      data: Object.assign({}, ...sections),
      mayRead: (l) => mayReadList(l, facts),
      asOf: lookup.asOf,
      lists: lookup.lists,
      repairs: subject.repairs,
    });
    return outcome.listings;
  });
}

/** the listings among `lookup.lists` as the check shows them to this consumer */
export async function currentListings(lookup: ListingsLookup): Promise<Listing[]> {
  const { uscc, repairs, ...rest } = lookup;
  const [listings] = await currentListingsOfMany({ ...rest, subjects: [{ uscc, repairs }] });
  if (listings instanceof Error) throw listings;
  return listings!;
}
