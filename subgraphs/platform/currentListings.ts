import type { Consumer } from '../../lib/auth/consumer';
import { INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER, signInternalToken } from '../../lib/auth/internalToken';
import { departmentAnswered, evaluateCheck, type Listing } from '../../lib/credit/evaluate';
import type { CreditList } from '../../lib/credit/lists';
import { clientError } from '../../lib/errors';
import { mayReadList } from './creditAccess';
import { requiresOf } from './checkRequires';

/**
 * Is the subject on this list now? Answered by the credit check's own machinery, as a check by the
 * consumer would answer it: the designating department's subgraph is asked for the sections the
 * check's `@requires` reads, as that consumer (the internal token states it, so the department's
 * shield applies), and the list's rule is evaluated on them. Nothing of the data is kept.
 */

export interface ListingLookup {
  subgraphUrl: string;
  internalTokenSecret: string;
  consumer: Consumer;
  requestId: string;
  uscc: string;
  list: CreditList;
  asOf: Date;
  /** one department call at most this long; an application is not retried (the subject repeats it) */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

interface Answer {
  data?: { _entities?: (Record<string, unknown> | null)[] } | null;
  errors?: { extensions?: { code?: string } }[];
}

/** the listing as the check shows it to this consumer, or null when the subject is not on the list */
export async function currentListing(lookup: ListingLookup): Promise<Listing | null> {
  const { list } = lookup;
  const unavailable = () => clientError('DEPARTMENT_UNAVAILABLE', `${list.department} could not confirm the listing now; try again later`, { department: list.department });
  const token = await signInternalToken({ consumer: lookup.consumer }, lookup.internalTokenSecret);
  let answer: Answer;
  try {
    const res = await fetch(lookup.subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: token, [REQUEST_ID_HEADER]: lookup.requestId },
      body: JSON.stringify({
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { ${requiresOf(list.department)} } } }`,
        variables: { r: [{ __typename: 'Subject', uscc: lookup.uscc }] },
      }),
      signal: AbortSignal.timeout(lookup.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    answer = (await res.json()) as Answer;
  } catch {
    throw unavailable();
  }
  const data = answer.data?._entities?.[0];
  if (!data || !departmentAnswered(data, list.department)) throw unavailable();
  const facts = { consumer: lookup.consumer, subject: lookup.uscc, consentId: null };
  const outcome = evaluateCheck({ scenario: 'PROCUREMENT', data, mayRead: (l) => mayReadList(l, facts), asOf: lookup.asOf, lists: [list] });
  return outcome.listings[0] ?? null;
}
