import DataLoader from 'dataloader';
import type { RequestInfo, SubgraphResources } from '../../lib/subgraph/createSubgraph';
import { CREDIT_CHECK_READS_EXTENSION, type CheckRead } from '../../lib/credit/checkReads';
import { CreditCheckStore, type CheckRecord } from '../../lib/credit/CreditCheckStore';

export { CREDIT_CHECK_READS_EXTENSION, type CheckRead };

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
