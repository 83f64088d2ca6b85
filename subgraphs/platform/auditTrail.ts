import type { Pool } from 'pg';
import type { Consumer } from '../../lib/auth/consumer';
import { BadCursorError, queryAuditTrail, type AuditFilter } from '../../lib/audit/auditQuery';
import { UnreachableCaseError, clientError } from '../../lib/errors';
import { pageSizeError } from '../../lib/graphql/pageSizes';

/** Filter text goes to PostgreSQL, whose text cannot hold a NUL; no org id or coordinate is longer. */
const FILTER_TEXT = /^[^\u0000-\u001f\u007f]{0,200}$/;

/** Who sees which audit entries (SPEC §5): auditors all; a subject those about itself; nobody else. */
export async function auditTrail(pool: Pool, consumer: Consumer, args: { filter: AuditFilter; first: number; after?: string | null }) {
  const filter = { ...args.filter };
  switch (consumer.role) {
    case 'auditor':
      break;
    case 'subject':
      if (filter.uscc && filter.uscc !== consumer.subject) {
        throw clientError('FORBIDDEN', 'A subject may read only the audit trail about itself');
      }
      filter.uscc = consumer.subject;
      break;
    case 'public':
    case 'government':
    case 'bank':
      throw clientError('FORBIDDEN', 'The audit trail is readable by auditors and by the subject it is about');
    default:
      throw new UnreachableCaseError(consumer.role);
  }
  for (const key of ['consumerOrg', 'field', 'requestId'] as const) {
    const text = filter[key];
    if (text !== null && text !== undefined && !FILTER_TEXT.test(text)) {
      throw clientError('BAD_USER_INPUT', `filter.${key} must be at most 200 characters, without control characters`);
    }
  }
  // the gateway has refused it already; checked again by the owner of the field
  const badFirst = pageSizeError('Query.auditTrail', args.first);
  if (badFirst) throw badFirst;
  try {
    const page = await queryAuditTrail(pool, filter, args.first, args.after);
    return {
      edges: page.entries.map((e) => ({ cursor: e.cursor, node: e })),
      nodes: page.entries,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.entries.at(-1)?.cursor ?? null },
    };
  } catch (e) {
    if (e instanceof BadCursorError) throw clientError('BAD_USER_INPUT', e.message);
    throw e;
  }
}
