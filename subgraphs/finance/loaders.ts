import type { LegacyCache } from '../../lib/cache/LegacyCache';
import type { DepartmentPolicy } from '../../lib/config';
import { sectionCache } from '../../lib/legacy/sectionCache';
import { createSectionLoader, type SectionLoader } from '../../lib/legacy/sectionLoader';
import type { MalformedRecordError } from '../../lib/subgraph/errors';
import { FINANCE_BATCH_LIMIT, type FinanceClient, type FinanceCredit } from './legacyClient';

export interface FinanceLoaders {
  credit: SectionLoader<string, FinanceCredit>;
}

export function createLoaders(client: FinanceClient, cache?: { store: LegacyCache; policy: DepartmentPolicy }): FinanceLoaders {
  return {
    credit: createSectionLoader<string, FinanceCredit>({
      department: 'finance',
      maxBatchSize: FINANCE_BATCH_LIMIT,
      fetch: async (codes) => {
        const { records, malformed } = await client.creditBatch(codes);
        // a refused record fails its own subject only
        return new Map<string, FinanceCredit | MalformedRecordError>([...records.map((c): [string, FinanceCredit] => [c.code, c]), ...malformed.map((e): [string, MalformedRecordError] => [e.record, e])]);
      },
      // v2: the parser's normalized record (v1's raw rows in a shared Redis are ignored, not misread)
      cache: cache && sectionCache(cache.store, 'finance:credit:v2', cache.policy),
    }),
  };
}
