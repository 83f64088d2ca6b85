import type { GraphQLError } from 'graphql';
import type { Consumer } from '../auth/consumer';
import { INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER, signInternalToken } from '../auth/internalToken';
import type { Department } from '../departments';
import { clientError } from '../errors';
import { DISPUTABLE_RECORDS, type DisputableType } from './disputableRecords';

/**
 * Whether a record is one the consumer can see among a subject's data, asked of the department's
 * own subgraph as that consumer (the internal token states it): the department's authorization
 * decides what the consumer may see, its adapter what exists, and nothing of the record is kept
 * here. A recordRef of another subject's record is simply not found among this subject's.
 */

export interface RecordLookup {
  subgraphUrl: string;
  internalTokenSecret: string;
  consumer: Consumer;
  requestId: string;
  uscc: string;
  type: DisputableType;
  field: string;
  recordRef: string;
  /** one department call at most this long; a filing is not retried (it is the consumer's to repeat) */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

interface Answer {
  data?: { _entities?: ({ s?: unknown } | null)[] } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function unavailable(department: Department): GraphQLError {
  return clientError('DEPARTMENT_UNAVAILABLE', `${department} could not confirm the record now; try again later`, { department });
}

/** the query for one record type: its identifier and the disputed field, nothing else */
function queryFor(type: DisputableType, field: string): string {
  const record = DISPUTABLE_RECORDS[type];
  const leaf = `{ ref: ${record.ref} value: ${field} }`;
  const section = record.list === null ? leaf : `{ l: ${record.list} ${leaf} }`;
  return `query($r: [_Any!]!) { _entities(representations: $r) { ... on Subject { s: ${record.section} ${section} } } }`;
}

/** true when the record exists among the subject's data and the consumer may read the disputed field */
export async function recordVisible(lookup: RecordLookup): Promise<boolean> {
  const record = DISPUTABLE_RECORDS[lookup.type];
  const token = await signInternalToken({ consumer: lookup.consumer }, lookup.internalTokenSecret);
  let answer: Answer;
  try {
    const res = await fetch(lookup.subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: token, [REQUEST_ID_HEADER]: lookup.requestId },
      body: JSON.stringify({ query: queryFor(lookup.type, lookup.field), variables: { r: [{ __typename: 'Subject', uscc: lookup.uscc }] } }),
      signal: AbortSignal.timeout(lookup.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    answer = (await res.json()) as Answer;
  } catch {
    throw unavailable(record.department);
  }
  const codes = new Set((answer.errors ?? []).map((e) => e.extensions?.code));
  if (codes.has('GRAPHQL_VALIDATION_FAILED')) throw clientError('BAD_USER_INPUT', `${lookup.type}.${lookup.field} is not a field of ${lookup.type}`);
  if (codes.has('DEPARTMENT_UNAVAILABLE') || codes.has('INTERNAL_SERVER_ERROR') || codes.has('UNAUTHENTICATED')) throw unavailable(record.department);
  // FORBIDDEN / CONSENT_REQUIRED: the consumer may not see it, which is the same as not finding it
  if (codes.size > 0) return false;
  const section = answer.data?._entities?.[0]?.s as Record<string, unknown> | null | undefined;
  if (!section) return false;
  const rows = (record.list === null ? [section] : (section.l as Record<string, unknown>[] | null) ?? []) as Record<string, unknown>[];
  return rows.some((row) => row !== null && String(row.ref) === lookup.recordRef);
}
