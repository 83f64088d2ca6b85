import type { LegacyCache } from '../cache/LegacyCache';
import type { DepartmentPolicy } from '../config';
import type { SectionCacheOptions } from './sectionLoader';

/** The cache options of one kind of look-up, from the department's configured policy. */
export function sectionCache<K>(store: LegacyCache, namespace: string, policy: DepartmentPolicy, key?: (k: K) => string): SectionCacheOptions<K> {
  return { store, namespace, key, ttlSeconds: policy.cacheTtlSeconds, maxStaleSeconds: policy.maxStaleSeconds };
}
