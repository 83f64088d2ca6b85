import { createSectionLoader, type SectionLoader } from '../../lib/legacy/sectionLoader';
import { FINANCE_BATCH_LIMIT, type FinanceClient, type FinanceCredit } from './legacyClient';

export interface FinanceLoaders {
  credit: SectionLoader<string, FinanceCredit>;
}

export function createLoaders(client: FinanceClient): FinanceLoaders {
  return {
    credit: createSectionLoader({
      department: 'finance',
      maxBatchSize: FINANCE_BATCH_LIMIT,
      fetch: async (codes) => new Map((await client.creditBatch(codes)).map((c) => [c.code, c])),
    }),
  };
}
