import { oldTaxRegistrationNumber } from '../../lib/ids';
import { PhaseGate, type PhaseDecision } from '../../lib/legacy/PhaseGate';
import type { LegacyCache } from '../../lib/cache/LegacyCache';
import type { DepartmentPolicy } from '../../lib/config';
import { sectionCache } from '../../lib/legacy/sectionCache';
import { createSectionLoader, type Fetched } from '../../lib/legacy/sectionLoader';
import { keyedRecords } from '../../lib/legacy/checkedRecords';
import { TAX_BATCH_LIMIT, type TaxClient, type TaxpayerRecord } from './legacyClient';

/**
 * Tax knows pre-2015 taxpayers ONLY by their old 15-char 税务登记号 (USCC positions 3-17) and
 * never maps one to the other (legacy-systems.md §2). The code itself says which form to try
 * first: an organization code issued since the 2015 reform starts with "M" (MA 市场监管, MB 编办,
 * MJ 民政 …), so that subject registered with tax under its USCC; an older organization code means
 * an entity that existed before, known to tax by its old number. Each subject is asked for by
 * the likely form, both forms mixed in the same calls of 20, and only the misses of the whole
 * request (subjects tax does not know, or the rare wrong guess) are asked again by the other.
 * `subjects(500)` thus costs ⌈500/20⌉ + ⌈misses/20⌉ calls — fewer than asking every USCC first
 * (⌈500/20⌉ + ⌈n/20⌉ for n pre-2015 taxpayers) — and a single pre-2015 taxpayer one round trip.
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
      // a refused record fails its own taxpayer only (its nsrsbh is the key asked with)
      fetch: async (ids) => keyedRecords(await client.queryNsxx(ids), (r) => r.taxpayerId),
      cache: cache && sectionCache(cache.store, 'tax:nsrxx', cache.policy),
    });
  const likely = byTaxpayerId();
  const other = byTaxpayerId();
  const gate = new PhaseGate();

  return {
    taxpayer: {
      load: (uscc) => {
        const [first, second] = issuedSinceReform(uscc) ? [uscc, oldTaxRegistrationNumber(uscc)] : [oldTaxRegistrationNumber(uscc), uscc];
        return gate.run(
          () => likely.load(first),
          (answer): PhaseDecision<Fetched<TaxpayerRecord>> => (answer.value ? { answer } : { followUp: () => other.load(second) }),
        );
      },
    },
  };
}

/** USCC positions 9-17: organization codes issued since the 2015 reform start with "M". */
export function issuedSinceReform(uscc: string): boolean {
  return uscc[8] === 'M';
}
