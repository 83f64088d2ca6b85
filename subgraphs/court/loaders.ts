import type { LegacyCache } from '../../lib/cache/LegacyCache';
import type { DepartmentPolicy } from '../../lib/config';
import { courtOrganizationCode } from '../../lib/ids';
import { sectionCache } from '../../lib/legacy/sectionCache';
import { createSectionLoader, type SectionLoader } from '../../lib/legacy/sectionLoader';
import type { CourtCases, CourtClient, CourtListType } from './legacyClient';

/**
 * One loader per court list, keyed by USCC. The court has no batching (one subject per call) and
 * knows a subject only by its organization code written XXXXXXXX-C (USCC positions 9-17).
 */

export type CourtLoaders = { [L in CourtListType]: SectionLoader<string, CourtCases[L][]> };

export function createLoaders(client: CourtClient, cache?: { store: LegacyCache; policy: DepartmentPolicy }): CourtLoaders {
  const list = <L extends CourtListType>(type: L): SectionLoader<string, CourtCases[L][]> =>
    createSectionLoader<string, CourtCases[L][]>({
      department: 'court',
      maxBatchSize: 1,
      fetch: async ([uscc]) => new Map([[uscc!, await client.cases(courtOrganizationCode(uscc!), type)]]),
      // v2: the parser's normalized cases (a shared Redis may still hold v1's raw rows: never misread them)
      cache: cache && sectionCache(cache.store, `court:${type}:v2`, cache.policy),
    });
  return { sx: list('sx'), zx: list('zx'), xg: list('xg') };
}
