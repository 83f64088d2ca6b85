import DataLoader from 'dataloader';
import type { Department } from '../config';
import { DepartmentUnavailableError } from '../subgraph/errors';

/**
 * Per-request batching of one kind of legacy look-up (SPEC §9.2): every key asked for during one
 * tick of one request is fetched together, split into the system's own batch size, the chunks in
 * parallel. A key the system does not know yields `value: null` (the section is null); a failing
 * system yields DepartmentUnavailableError for each of its keys, so only that section fails.
 */

export interface Fetched<T> {
  value: T | null;
  /** ISO 8601 time the value was fetched from the department's system */
  fetchedAt: string;
  /** served from the last known copy because the system failed */
  stale: boolean;
}

export interface SectionLoaderOptions<K, T> {
  department: Department;
  /** the legacy system's batch limit (1 for systems without batching) */
  maxBatchSize: number;
  /** fetches one batch (≤ maxBatchSize keys); returns the keys found, absent keys have no record */
  fetch(keys: readonly K[]): Promise<Map<K, T>>;
}

export type SectionLoader<K, T> = DataLoader<K, Fetched<T>, K>;

export function createSectionLoader<K, T>(options: SectionLoaderOptions<K, T>): SectionLoader<K, T> {
  if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) {
    throw new Error(`createSectionLoader(${options.department}): maxBatchSize must be a whole number ≥ 1, got ${options.maxBatchSize}`);
  }
  return new DataLoader<K, Fetched<T>, K>(
    async (keys) => {
      try {
        const found = await options.fetch(keys);
        const fetchedAt = new Date().toISOString();
        return keys.map((k) => ({ value: found.get(k) ?? null, fetchedAt, stale: false }));
      } catch (e) {
        const error = e instanceof DepartmentUnavailableError ? e : new DepartmentUnavailableError(options.department, (e as Error).message);
        return keys.map(() => error);
      }
    },
    { maxBatchSize: options.maxBatchSize },
  );
}

/** Splits keys into chunks of at most `size` (for systems whose calls take a list). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
