import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { ledgerProof } from '../../lib/audit/ledgerProof';
import { verifyLedger } from '../../lib/audit/verify';
import type { Config } from '../../lib/config';
import { clientError } from '../../lib/errors';
import type { SubgraphContext } from '../../lib/subgraph/createSubgraph';

/**
 * Query.auditVerification: `npm run audit:verify` for auditors in the graph (the console's "verify
 * the chain"). The same walk over the same proof — the key and the checkpoints outside the
 * database, from the configuration the gateway writes with — so both answer alike.
 */
export function withAuditVerification<T>(resolvers: GraphQLResolverMap<SubgraphContext<T>>, audit: Config['audit']): GraphQLResolverMap<SubgraphContext<T>> {
  const proof = ledgerProof(audit);
  const auditVerification = async (_: unknown, __: unknown, ctx: SubgraphContext<T>) => {
    // a walk over the whole ledger: auditors' work, not a read anyone may repeat at will
    if (ctx.consumer.role !== 'auditor') throw clientError('FORBIDDEN', 'Only auditors verify the audit ledger');
    const result = await verifyLedger(ctx.pool, proof);
    return { ok: result.ok, records: result.records, problem: result.ok ? null : result.problem };
  };
  return { ...resolvers, Query: { ...(resolvers.Query as object), auditVerification } };
}
