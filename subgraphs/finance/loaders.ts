import type { LegacyCache } from '../../lib/cache/LegacyCache';
import type { DepartmentPolicy } from '../../lib/config';
import { sectionCache } from '../../lib/legacy/sectionCache';
import { createSectionLoader, type SectionLoader } from '../../lib/legacy/sectionLoader';
import { keyedRecords } from '../../lib/legacy/checkedRecords';
import { FINANCE_BATCH_LIMIT, type FinanceClient, type FinanceCredit } from './legacyClient';

export interface FinanceLoaders {
  credit: SectionLoader<string, FinanceCredit>;
}

export function createLoaders(client: FinanceClient, cache?: { store: LegacyCache; policy: DepartmentPolicy }): FinanceLoaders {
  return {
    credit: createSectionLoader<string, FinanceCredit>({
      department: 'finance',
      maxBatchSize: FINANCE_BATCH_LIMIT,
      // a refused record fails its own subject only
      fetch: async (codes) => keyedRecords(await client.creditBatch(codes), (c) => c.code),
      // v2: the parser's normalized record (v1's raw rows in a shared Redis are ignored, not misread)
      cache: cache && sectionCache(cache.store, 'finance:credit:v2', cache.policy),
    }),
  };
}
