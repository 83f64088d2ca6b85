import type { LegacyCache } from '../../lib/cache/LegacyCache';
import type { DepartmentPolicy } from '../../lib/config';
import { maskCitizenId } from '../../lib/ids';
import { sectionCache } from '../../lib/legacy/sectionCache';
import { createSectionLoader, type SectionLoader } from '../../lib/legacy/sectionLoader';
import { MARKET_BATCH_LIMIT, type AbnormalRow, type EnterpriseRow, type MarketClient, type PenaltyRow, type SearchRow } from './legacyClient';

/**
 * One loader per market look-up, keyed by USCC. Each is asked only by the field that needs it,
 * so a query for `registration` never touches the abnormal list or the penalties.
 */

export interface MarketLoaders {
  /**
   * 企业登记; value null when market regulation does not know the subject. The legal
   * representative's citizen ID is masked here, before the answer can reach the cache: a natural
   * person's full ID number is never stored outside the register.
   */
  enterprise: SectionLoader<string, EnterpriseRow>;
  /** the same, unmasked and never cached: only for the subject reading itself (SPEC §7) */
  enterpriseForSelf: SectionLoader<string, EnterpriseRow>;
  /** 经营异常名录 entries, [] when never listed */
  abnormal: SectionLoader<string, AbnormalRow[]>;
  /** 行政处罚, every page; [] when none */
  penalties: SectionLoader<string, PenaltyRow[]>;
  /** name search: one call per search, nothing to batch */
  search(name: string, size: number): Promise<SearchRow[]>;
}

export function createLoaders(client: MarketClient, cache?: { store: LegacyCache; policy: DepartmentPolicy }): MarketLoaders {
  const cached = (namespace: string) => cache && sectionCache<string>(cache.store, `market:${namespace}`, cache.policy);
  return {
    enterprise: createSectionLoader({
      department: 'market',
      maxBatchSize: MARKET_BATCH_LIMIT,
      fetch: async (usccs) =>
        new Map((await client.enterprises(usccs)).map((e) => [e.TYSHXYDM, { ...e, FDDBRZJHM: e.FDDBRZJHM === '' ? '' : maskCitizenId(e.FDDBRZJHM) }])),
      cache: cached('enterprise'),
    }),
    enterpriseForSelf: createSectionLoader({
      department: 'market',
      maxBatchSize: MARKET_BATCH_LIMIT,
      fetch: async (usccs) => new Map((await client.enterprises(usccs)).map((e) => [e.TYSHXYDM, e])),
    }),
    abnormal: createSectionLoader({
      department: 'market',
      maxBatchSize: MARKET_BATCH_LIMIT,
      fetch: async (usccs) => {
        // the list names only the enterprises listed; every other one asked for has none
        const byUscc = new Map<string, AbnormalRow[]>(usccs.map((u) => [u, []]));
        for (const row of await client.abnormal(usccs)) byUscc.get(row.TYSHXYDM)?.push(row);
        return byUscc;
      },
      cache: cached('abnormal'),
    }),
    penalties: createSectionLoader({
      department: 'market',
      // the penalties interface takes one code per call
      maxBatchSize: 1,
      fetch: async ([uscc]) => new Map([[uscc!, await client.penalties(uscc!)]]),
      cache: cached('penalties'),
    }),
    search: (name, size) => client.search(name, size),
  };
}
