import { GraphQLError } from 'graphql';
import type { Pool } from 'pg';
import type { Consumer } from '../../lib/auth/consumer';
import { BadCursorError, MAX_PAGE_SIZE, queryAuditTrail, type AuditFilter } from '../../lib/audit/auditQuery';

/** Who sees which audit entries (SPEC §5): auditors all; a subject those about itself; nobody else. */
export async function auditTrail(pool: Pool, consumer: Consumer, args: { filter: AuditFilter; first: number; after?: string | null }) {
  const filter = { ...args.filter };
  switch (consumer.role) {
    case 'auditor':
      break;
    case 'subject':
      if (filter.uscc && filter.uscc !== consumer.subject) {
        throw new GraphQLError('A subject may read only the audit trail about itself', { extensions: { code: 'FORBIDDEN' } });
      }
      filter.uscc = consumer.subject;
      break;
    case 'public':
    case 'government':
    case 'bank':
      throw new GraphQLError('The audit trail is readable by auditors and by the subject it is about', { extensions: { code: 'FORBIDDEN' } });
  }
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`first must be from 1 to ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  try {
    const page = await queryAuditTrail(pool, filter, args.first, args.after);
    return {
      edges: page.entries.map((e) => ({ cursor: e.cursor, node: e })),
      nodes: page.entries,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.entries.at(-1)?.cursor ?? null },
    };
  } catch (e) {
    if (e instanceof BadCursorError) throw new GraphQLError(e.message, { extensions: { code: 'BAD_USER_INPUT' } });
    throw e;
  }
}
