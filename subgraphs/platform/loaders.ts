import DataLoader from 'dataloader';
import type { RequestInfo, SubgraphResources } from '../../lib/subgraph/createSubgraph';
import { CreditCheckStore, type CheckRecord } from '../../lib/credit/CreditCheckStore';

/** A field a credit check read for a subject, reported to the gateway for its ledger (useAudit). */
export interface CheckRead {
  checkId: string;
  subject: string;
  /** schema coordinate, e.g. DishonestDebtorRecord.caseNumber */
  field: string;
  decision: 'GRANTED' | 'DENIED';
  /** the refusal code of a DENIED read */
  code: string | null;
}

/** Response extension carrying the request's credit-check reads to the gateway. */
export const CREDIT_CHECK_READS_EXTENSION = 'creditCheckReads';

export interface PlatformLoaders {
  checks: CreditCheckStore;
  /** every check of the request is recorded in one INSERT (a 500-bidder screen is one statement) */
  recordCheck: DataLoader<CheckRecord, void>;
  checkReads: CheckRead[];
}

export function createLoaders(_request: RequestInfo, resources: SubgraphResources): PlatformLoaders {
  const checks = new CreditCheckStore(resources.pool);
  return {
    checks,
    recordCheck: new DataLoader(
      async (records) => {
        await checks.record(records);
        return records.map(() => undefined);
      },
      { cache: false, maxBatchSize: 500 },
    ),
    checkReads: [],
  };
}
