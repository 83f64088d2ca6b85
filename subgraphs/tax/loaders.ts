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
 * an entity that existed before, known to tax by its old number. Each subject is asked for by the
 * likely form, both forms mixed in the same calls of 20, and the other form of as many subjects as
 * the last call has room for rides along (the section loader's companions): a request of up to 10
 * subjects is asked by both forms in one call, one round trip whether tax knows a subject, by
 * which form, or not at all. Only the misses whose other form found no room (subjects tax does not
 * know, or the rare wrong guess) are asked again, together, by the other form. `subjects(N)` thus
 * costs ⌈N/20⌉ + ⌈m/20⌉ calls, m the misses other than the (up to 20·⌈N/20⌉ − N) whose other form
 * rode along — the first round never makes more calls than the likely forms alone need. 500
 * subjects leave no room: ⌈500/20⌉ + ⌈misses/20⌉, fewer than asking every USCC first
 * (⌈500/20⌉ + ⌈n/20⌉ for n pre-2015 taxpayers).
 */

export interface TaxpayerLoader {
  /** the taxpayer behind a USCC, by whichever 纳税人识别号 tax knows it; value null when by neither */
  load(uscc: string): Promise<Fetched<TaxpayerRecord>>;
}

export interface TaxLoaders {
  taxpayer: TaxpayerLoader;
}

export function createLoaders(client: TaxClient, cache?: { store: LegacyCache; policy: DepartmentPolicy }): TaxLoaders {
  // the other 纳税人识别号 of each subject asked for by its likely one (the old number alone does
  // not give back the USCC, so the request remembers it)
  const otherForm = new Map<string, string>();
  // Keyed by the 纳税人识别号 asked with, both forms alike; a form tax does not know is cached as
  // "no record" like any other answer, so a warm subject costs no call by either form.
  const byTaxpayerId = createSectionLoader<string, TaxpayerRecord>({
    department: 'tax',
    maxBatchSize: TAX_BATCH_LIMIT,
    // a refused record fails its own taxpayer only (its nsrsbh is the key asked with)
    fetch: async (ids) => keyedRecords(await client.queryNsxx(ids), (r) => r.taxpayerId),
    companion: (id) => otherForm.get(id),
    cache: cache && sectionCache(cache.store, 'tax:nsrxx', cache.policy),
  });
  const gate = new PhaseGate();

  return {
    taxpayer: {
      load: (uscc) => {
        const [likely, other] = issuedSinceReform(uscc) ? [uscc, oldTaxRegistrationNumber(uscc)] : [oldTaxRegistrationNumber(uscc), uscc];
        otherForm.set(likely, other);
        // the other form's answer, when it rode along, is already the loader's: no second call
        return gate.run(
          () => byTaxpayerId.load(likely),
          (answer): PhaseDecision<Fetched<TaxpayerRecord>> => (answer.value ? { answer } : { followUp: () => byTaxpayerId.load(other) }),
        );
      },
    },
  };
}

/** USCC positions 9-17: organization codes issued since the 2015 reform start with "M". */
export function issuedSinceReform(uscc: string): boolean {
  return uscc[8] === 'M';
}
