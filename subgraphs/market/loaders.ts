import type { LegacyCache } from '../../lib/cache/LegacyCache';
import type { DepartmentPolicy } from '../../lib/config';
import { maskCitizenId } from '../../lib/ids';
import { sectionCache } from '../../lib/legacy/sectionCache';
import { createSectionLoader, type SectionLoader } from '../../lib/legacy/sectionLoader';
import { keyedRecords } from '../../lib/legacy/checkedRecords';
import type { MalformedRecordError } from '../../lib/subgraph/errors';
import { MARKET_BATCH_LIMIT, type AbnormalOperation, type Enterprise, type MarketClient, type Penalty, type SearchRow } from './legacyClient';

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
  enterprise: SectionLoader<string, Enterprise>;
  /** the same, unmasked and never cached: only for the subject reading itself (SPEC §7) */
  enterpriseForSelf: SectionLoader<string, Enterprise>;
  /** 经营异常名录 entries, [] when never listed */
  abnormal: SectionLoader<string, AbnormalOperation[]>;
  /** 行政处罚, every page; [] when none */
  penalties: SectionLoader<string, Penalty[]>;
  /** name search: one call per search, nothing to batch */
  search(name: string, size: number): Promise<SearchRow[]>;
}

export function createLoaders(client: MarketClient, cache?: { store: LegacyCache; policy: DepartmentPolicy }): MarketLoaders {
  // v2: the parser's normalized records (a shared Redis may still hold v1's raw rows: never misread them)
  const cached = (namespace: string) => cache && sectionCache<string>(cache.store, `market:${namespace}:v2`, cache.policy);
  return {
    enterprise: createSectionLoader<string, Enterprise>({
      department: 'market',
      maxBatchSize: MARKET_BATCH_LIMIT,
      fetch: async (usccs) =>
        keyedRecords(await client.enterprises(usccs), (e) => e.uscc, (e) => ({ ...e, legalRepresentativeIdNumber: e.legalRepresentativeIdNumber && maskCitizenId(e.legalRepresentativeIdNumber) })),
      cache: cached('enterprise'),
    }),
    enterpriseForSelf: createSectionLoader<string, Enterprise>({
      department: 'market',
      maxBatchSize: MARKET_BATCH_LIMIT,
      fetch: async (usccs) => keyedRecords(await client.enterprises(usccs), (e) => e.uscc),
    }),
    abnormal: createSectionLoader<string, AbnormalOperation[]>({
      department: 'market',
      maxBatchSize: MARKET_BATCH_LIMIT,
      fetch: async (usccs) => {
        const { records, malformed } = await client.abnormal(usccs);
        // the list names only the enterprises listed; every other one asked for has none
        const found = new Map<string, AbnormalOperation[] | MalformedRecordError>(usccs.map((u) => [u, []]));
        for (const entry of records) (found.get(entry.uscc) as AbnormalOperation[] | undefined)?.push(entry);
        for (const error of malformed) if (found.has(error.record)) found.set(error.record, error);
        return found;
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
