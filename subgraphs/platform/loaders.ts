import DataLoader from 'dataloader';
import type { RequestInfo, SubgraphResources } from '../../lib/subgraph/createSubgraph';
import { CREDIT_CHECK_READS_EXTENSION, type CheckRead } from '../../lib/credit/checkReads';
import { CreditCheckStore, type CheckRecord } from '../../lib/credit/CreditCheckStore';
import { approvedRepairs, type ApprovedRepair } from '../../lib/loop/RepairStore';
import { openObjectionsOf, type OpenObjection } from '../../lib/loop/disputes';

export { CREDIT_CHECK_READS_EXTENSION, type CheckRead };

export interface PlatformLoaders {
  checks: CreditCheckStore;
  /** every check of the request is recorded in one INSERT (a 500-bidder screen is one statement) */
  recordCheck: DataLoader<CheckRecord, void>;
  checkReads: CheckRead[];
  /** a subject's approved repairs (信用修复), the overlay its checks apply: one query per request */
  approvedRepairs: DataLoader<string, ApprovedRepair[]>;
  /** a subject's open objections, which the check names among its evidence: one query per request */
  openObjections: DataLoader<string, OpenObjection[]>;
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
    approvedRepairs: new DataLoader((usccs) => approvedRepairs(resources.pool, usccs), { maxBatchSize: 500 }),
    openObjections: new DataLoader((usccs) => openObjectionsOf(resources.pool, usccs), { maxBatchSize: 500 }),
  };
}
