import type { LegacyCache } from '../../lib/cache/LegacyCache';
import type { DepartmentPolicy } from '../../lib/config';
import { sectionCache } from '../../lib/legacy/sectionCache';
import { createSectionLoader, type SectionLoader } from '../../lib/legacy/sectionLoader';
import { FINANCE_BATCH_LIMIT, type FinanceClient, type FinanceCredit } from './legacyClient';

export interface FinanceLoaders {
  credit: SectionLoader<string, FinanceCredit>;
}

export function createLoaders(client: FinanceClient, cache?: { store: LegacyCache; policy: DepartmentPolicy }): FinanceLoaders {
  return {
    credit: createSectionLoader({
      department: 'finance',
      maxBatchSize: FINANCE_BATCH_LIMIT,
      fetch: async (codes) => new Map((await client.creditBatch(codes)).map((c) => [c.code, c])),
      cache: cache && sectionCache(cache.store, 'finance:credit', cache.policy),
    }),
  };
}
