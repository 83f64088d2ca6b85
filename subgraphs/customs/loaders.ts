import { PhaseGate, type PhaseDecision } from '../../lib/legacy/PhaseGate';
import type { LegacyCache } from '../../lib/cache/LegacyCache';
import type { DepartmentPolicy } from '../../lib/config';
import { identifierCache, sectionCache } from '../../lib/legacy/sectionCache';
import { createSectionLoader, type Fetched } from '../../lib/legacy/sectionLoader';
import { keyedRecords } from '../../lib/legacy/checkedRecords';
import { CSV_BATCH_LIMIT, MAPPING_BATCH_LIMIT, type CustomsClient, type CustomsCreditRecord } from './legacyClient';

/**
 * Customs knows enterprises only by 海关编码: map the USCCs first (≤ 100 a call), then read the
 * credit CSV for the registered ones (≤ 50 a call), the 海关编码 of all mapping calls of the
 * request pooled — `subjects(500)` costs ⌈500/100⌉ + ⌈m/50⌉ calls for m registered (SPEC §9.2).
 * A 海关编码 is assigned once, so a found mapping is cached for the identifier TTL (a day) and a
 * subject asked again after its CSV row expired costs one round trip, not two; "not registered"
 * and the credit rows keep the department's record TTL, so a newly registered enterprise and a
 * changed credit class are seen within it.
 */

export interface CustomsRecordLoader {
  /** the customs credit record of a USCC; value null when not registered with customs */
  load(uscc: string): Promise<Fetched<CustomsCreditRecord>>;
}

export interface CustomsLoaders {
  customs: CustomsRecordLoader;
}

export function createLoaders(client: CustomsClient, cache?: { store: LegacyCache; policy: DepartmentPolicy }): CustomsLoaders {
  const mapping = createSectionLoader<string, string>({
    department: 'customs',
    maxBatchSize: MAPPING_BATCH_LIMIT,
    fetch: async (usccs) => keyedRecords(await client.mapping(usccs), (m) => m.uscc, (m) => m.hgbm),
    // an identifier registry: a found 海关编码 is kept a day, "not registered" only as long as the CSV
    cache: cache && identifierCache(cache.store, 'customs:mapping', cache.policy),
  });
  const credit = createSectionLoader<string, CustomsCreditRecord>({
    department: 'customs',
    maxBatchSize: CSV_BATCH_LIMIT,
    fetch: async (codes) => keyedRecords(await client.creditCsv(codes), (r) => r.customsCode),
    // v2: creditClass is the enum, its text beside it (v1 copies in a shared Redis are ignored, not misread)
    cache: cache && sectionCache(cache.store, 'customs:credit:v2', cache.policy),
  });
  const gate = new PhaseGate();

  return {
    customs: {
      load: (uscc) =>
        gate.run(
          () => mapping.load(uscc),
          (mapped): PhaseDecision<Fetched<CustomsCreditRecord>> => {
            const hgbm = mapped.value;
            return hgbm === null ? { answer: { ...mapped, value: null } } : { followUp: () => credit.load(hgbm) };
          },
        ),
    },
  };
}
