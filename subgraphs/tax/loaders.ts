import { oldTaxRegistrationNumber } from '../../lib/ids';
import { PhaseGate, type PhaseDecision } from '../../lib/legacy/PhaseGate';
import type { LegacyCache } from '../../lib/cache/LegacyCache';
import type { DepartmentPolicy } from '../../lib/config';
import { sectionCache } from '../../lib/legacy/sectionCache';
import { createSectionLoader, type Fetched } from '../../lib/legacy/sectionLoader';
import { TAX_BATCH_LIMIT, type TaxClient, type TaxpayerRecord } from './legacyClient';

/**
 * Tax knows pre-2015 taxpayers ONLY by their old 15-char 税务登记号 (USCC positions 3-17) and
 * never maps one to the other (legacy-systems.md §2). So every subject is first asked for by
 * USCC, and the ones not found are asked for again by old number — all the misses of the
 * request pooled, so `subjects(500)` costs ⌈500/20⌉ + ⌈n/20⌉ calls for n misses (SPEC §9.2).
 */

export interface TaxpayerLoader {
  /** the taxpayer behind a USCC, by whichever 纳税人识别号 tax knows it; value null when by neither */
  load(uscc: string): Promise<Fetched<TaxpayerRecord>>;
}

export interface TaxLoaders {
  taxpayer: TaxpayerLoader;
}

export function createLoaders(client: TaxClient, cache?: { store: LegacyCache; policy: DepartmentPolicy }): TaxLoaders {
  // Both steps are keyed by the 纳税人识别号 tax was asked with; a USCC tax does not know is
  // cached as "no record" like any other answer, so a warm pre-2015 taxpayer costs no call.
  const byTaxpayerId = () =>
    createSectionLoader<string, TaxpayerRecord>({
      department: 'tax',
      maxBatchSize: TAX_BATCH_LIMIT,
      fetch: async (ids) => new Map((await client.queryNsxx(ids)).map((r) => [r.taxpayerId, r])),
      cache: cache && sectionCache(cache.store, 'tax:nsrxx', cache.policy),
    });
  const byUscc = byTaxpayerId();
  const byOldNumber = byTaxpayerId();
  const gate = new PhaseGate();

  return {
    taxpayer: {
      load: (uscc) =>
        gate.run(
          () => byUscc.load(uscc),
          (first): PhaseDecision<Fetched<TaxpayerRecord>> => (first.value ? { answer: first } : { followUp: () => byOldNumber.load(oldTaxRegistrationNumber(uscc)) }),
        ),
    },
  };
}
