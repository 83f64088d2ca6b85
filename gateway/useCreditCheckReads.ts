import { CREDIT_CHECK_READS_EXTENSION, type CheckRead } from '../lib/credit/checkReads';
import type { GatewayPlugin } from './plugin';

/**
 * The fields the platform's credit checks read through `@requires` (issue 11): the client never
 * selected them, yet the check learned from them, so the ledger records them as if it had — one
 * entry per (subject, field, check), under the check's id (useAudit). The platform reports them
 * as a response extension, taken out here: they are the ledger's, not the client's.
 */

function isRead(value: unknown): value is CheckRead {
  const r = value as CheckRead;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.checkId === 'string' &&
    typeof r.subject === 'string' &&
    typeof r.field === 'string' &&
    (r.decision === 'GRANTED' || r.decision === 'DENIED') &&
    (r.code === null || typeof r.code === 'string')
  );
}

export function useCreditCheckReads(): GatewayPlugin {
  return {
    name: 'creditCheckReads',
    onRequest() {
      return { creditCheckReads: [] };
    },
    onSubgraphResponse({ response, context }) {
      const reads = response.extensions?.[CREDIT_CHECK_READS_EXTENSION];
      if (reads === undefined) return;
      if (Array.isArray(reads)) context.creditCheckReads.push(...reads.filter(isRead));
      delete response.extensions![CREDIT_CHECK_READS_EXTENSION];
    },
  };
}

/** where the check id goes in a ledger entry: its `reason` ("creditCheck:<id>", after the code if refused) */
export function checkReason(read: CheckRead): string {
  return read.decision === 'DENIED' ? `${read.code ?? 'FORBIDDEN'} creditCheck:${read.checkId}` : `creditCheck:${read.checkId}`;
}
