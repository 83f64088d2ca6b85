import type { LegacyCache } from '../cache/LegacyCache';
import type { DepartmentPolicy } from '../config';
import type { SectionCacheOptions } from './sectionLoader';

/** The cache options of one kind of look-up, from the department's configured policy. */
export function sectionCache<K>(store: LegacyCache, namespace: string, policy: DepartmentPolicy, key?: (k: K) => string): SectionCacheOptions<K> {
  return { store, namespace, key, ttlSeconds: policy.cacheTtlSeconds, maxStaleSeconds: policy.maxStaleSeconds };
}

/**
 * The cache options of an identifier registry's look-up (customs' USCC → 海关编码): a found mapping
 * is kept for the department's identifier TTL, "not registered" only for its records' TTL.
 */
export function identifierCache<K>(store: LegacyCache, namespace: string, policy: DepartmentPolicy): SectionCacheOptions<K> {
  if (policy.identifierTtlSeconds === undefined) {
    throw new Error(`identifierCache(${namespace}): the department's policy has no identifierTtlSeconds (lib/departments.ts)`);
  }
  return { ...sectionCache<K>(store, namespace, policy), foundTtlSeconds: policy.identifierTtlSeconds };
}
