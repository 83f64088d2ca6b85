import type { GraphQLError } from 'graphql';
import { clientError } from '../errors';

/**
 * How many items a root field's `first:` may ask for: one table for the gateway's check (before
 * any cost is computed or a subgraph is asked) and for each owner's resolver. Outside the range is
 * BAD_USER_INPUT naming it, never silently clamped, and a typo'd 10^9 is not a cost refusal.
 */

export interface PageSize {
  min: number;
  max: number;
}

export const PAGE_SIZES: Readonly<Record<string, PageSize>> = {
  // one page is one indexed range scan of the ledger; more is paging with `after`
  'Query.auditTrail': { min: 1, max: 500 },
  // the market register's search serves at most 50 names (MARKET_MAX_SEARCH_SIZE in its client)
  'Query.searchSubjects': { min: 1, max: 50 },
  // recorded credit checks: one indexed range scan, like the audit trail
  'Query.creditChecks': { min: 1, max: 500 },
};

/**
 * The refusal for `first: value` on `coordinate` (e.g. `Query.auditTrail`), or null when it is in
 * range or not given (the field's default applies). An explicit null is refused: it is not a size.
 */
export function pageSizeError(coordinate: string, value: unknown): GraphQLError | null {
  const range = PAGE_SIZES[coordinate];
  if (!range || value === undefined) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max) return null;
  const field = coordinate.slice(coordinate.indexOf('.') + 1);
  // no HTTP status here: a subgraph answering 400 would reach the gateway as a failed fetch
  return clientError('BAD_USER_INPUT', `${field}(first:) must be from ${range.min} to ${range.max}, got ${JSON.stringify(value)}`);
}
