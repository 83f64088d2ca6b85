import DataLoader from 'dataloader';
import type { CachedAnswer, LegacyCache } from '../cache/LegacyCache';
import type { Department } from '../config';
import { DepartmentUnavailableError, logDepartmentFailure } from '../errors';
import { metrics } from '../observability/metrics';
import { countScope } from '../observability/requestScope';
import { budgetFor, withBudget } from './requestBudget';

/**
 * Per-request batching of one kind of legacy look-up (SPEC §9.2): every key asked for during one
 * tick of one request is looked up together. With a cache, fresh answers are served from it, the
 * misses of the whole tick are split into the system's own batch size (so a partly warm request
 * still makes the fewest calls) and fetched in parallel; keys another request is already fetching
 * in this process are awaited, not fetched again (stampede protection). A key the system does not
 * know yields `value: null`; a failing system yields the last known copy marked stale when one
 * is young enough, else DepartmentUnavailableError, for its keys only.
 *
 * A call's spare room is not wasted when the department can use it: keys' companions (tax: a
 * subject's other 纳税人识别号, in case it does not know the subject by the one asked) fill the last
 * call's room, never a call of their own, and their answers are cached and kept by the loader so
 * that asking for them later costs no call.
 */

export interface Fetched<T> {
  value: T | null;
  /** ISO 8601 time the value was fetched from the department's system */
  fetchedAt: string;
  /** served from the last known copy because the system failed */
  stale: boolean;
}

export interface SectionCacheOptions<K> {
  store: LegacyCache;
  /** e.g. `market:enterprise`; with the key, the department's own identifier */
  namespace: string;
  key?(key: K): string;
  ttlSeconds: number;
  /**
   * how long a found record is served, when longer than `ttlSeconds` (an identifier registry's
   * mapping, DepartmentPolicy.identifierTtlSeconds); "no record" keeps `ttlSeconds`
   */
  foundTtlSeconds?: number;
  /** how old a copy may be and still be served when the department fails */
  maxStaleSeconds: number;
}

export interface SectionLoaderOptions<K, T> {
  department: Department;
  /** the legacy system's batch limit (1 for systems without batching) */
  maxBatchSize: number;
  /**
   * fetches one batch (≤ maxBatchSize keys); returns the keys found, absent keys have no record.
   * A key whose record the adapter's parser refused maps to its MalformedRecordError: that key
   * alone fails (logged, never cached, its stale copy served), the batch's other keys are served.
   */
  fetch(keys: readonly K[]): Promise<Map<K, T | DepartmentUnavailableError>>;
  /**
   * a key worth asking along with `key` when a call has room to spare; a companion that fails is
   * left for its own load, which serves its stale copy or fails
   */
  companion?(key: K): K | undefined;
  cache?: SectionCacheOptions<K>;
}

export type SectionLoader<K, T> = DataLoader<K, Fetched<T>, K>;

/** longest a fetched answer is shared with later requests while its cache write is unanswered */
const CACHE_WRITE_JOIN_MS = 1000;

/** Fetches under way in this process, by cache key: concurrent requests share one legacy call. */
const inFlight = new Map<string, Promise<Fetched<unknown>>>();

export function createSectionLoader<K, T>(options: SectionLoaderOptions<K, T>): SectionLoader<K, T> {
  if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) {
    throw new Error(`createSectionLoader(${options.department}): maxBatchSize must be a whole number ≥ 1, got ${options.maxBatchSize}`);
  }
  const { cache, department } = options;
  if (cache) {
    const found = cache.foundTtlSeconds ?? cache.ttlSeconds;
    if (!(cache.ttlSeconds > 0 && found >= cache.ttlSeconds && cache.maxStaleSeconds >= found)) {
      throw new Error(
        `createSectionLoader(${department}): cache needs 0 < ttlSeconds ≤ foundTtlSeconds (when set) ≤ maxStaleSeconds, got ${cache.ttlSeconds}, ${cache.foundTtlSeconds}, ${cache.maxStaleSeconds}`,
      );
    }
  }
  const cacheKey = (k: K) => `${cache!.namespace}:${cache!.key ? cache!.key(k) : String(k)}`;

  async function fetchChunk(keys: readonly K[]): Promise<(Fetched<T> | Error)[]> {
    const found = await options.fetch(keys);
    const fetchedAt = new Date().toISOString();
    return keys.map((k) => {
      const value = found.get(k);
      if (!(value instanceof DepartmentUnavailableError)) return { value: value ?? null, fetchedAt, stale: false };
      logDepartmentFailure(value);
      return value;
    });
  }

  async function fetchAll(keys: readonly K[]): Promise<(Fetched<T> | Error)[]> {
    const out: (Fetched<T> | Error)[] = new Array(keys.length);
    // Every call of this batch shares one budget: a lone subject's section answers within its
    // department's deadline of the consumer's request however the request and its calls queue
    // (requestBudget.ts); a large batch gets a deadline per round from when it was asked.
    const budget = budgetFor(Math.ceil(keys.length / options.maxBatchSize));
    const chunks: number[][] = [];
    for (let i = 0; i < keys.length; i += options.maxBatchSize) chunks.push(keys.slice(i, i + options.maxBatchSize).map((_, j) => i + j));
    await Promise.all(
      chunks.map(async (idx) => {
        try {
          const answers = await withBudget(budget, () => fetchChunk(idx.map((i) => keys[i])));
          idx.forEach((i, j) => (out[i] = answers[j]));
        } catch (e) {
          const error = e instanceof DepartmentUnavailableError ? e : new DepartmentUnavailableError(department, (e as Error).message);
          logDepartmentFailure(error);
          idx.forEach((i) => (out[i] = error));
        }
      }),
    );
    return out;
  }

  /**
   * Companions of the batch's keys to fetch, as many as the room the calls they need leave spare.
   * A companion among the batch's keys or `underWay` in another request's call is not asked: it
   * would only repeat an identifier.
   */
  function companionsOf(batch: readonly K[], toFetch: readonly K[], underWay: (k: K) => boolean): K[] {
    const { companion, maxBatchSize } = options;
    if (!companion) return [];
    const room = Math.ceil(toFetch.length / maxBatchSize) * maxBatchSize - toFetch.length;
    const asked = new Set(batch);
    const chosen = new Set<K>();
    for (const k of toFetch) {
      if (chosen.size === room) break;
      const c = companion(k);
      if (c !== undefined && !asked.has(c) && !underWay(c)) chosen.add(c);
    }
    return [...chosen];
  }

  /** Keeps the companions' answers for their own loads; returns the ones to cache. */
  function keepCompanions(companions: readonly K[], answers: readonly (Fetched<T> | Error)[]): { key: K; answer: Fetched<T> }[] {
    const kept: { key: K; answer: Fetched<T> }[] = [];
    companions.forEach((key, j) => {
      const answer = answers[j];
      if (answer instanceof Error) return;
      loader.prime(key, answer);
      kept.push({ key, answer });
    });
    return kept;
  }

  async function uncachedBatch(keys: readonly K[]): Promise<(Fetched<T> | Error)[]> {
    const companions = companionsOf(keys, keys, () => false);
    const fetched = await fetchAll([...keys, ...companions]);
    keepCompanions(companions, fetched.slice(keys.length));
    return fetched.slice(0, keys.length);
  }

  async function cachedBatch(keys: readonly K[]): Promise<(Fetched<T> | Error)[]> {
    const c = cache!;
    const ckeys = keys.map(cacheKey);
    const cached = await c.store.getMany<T>(ckeys);
    const now = Date.now();
    const fresh = (copy: CachedAnswer<T>) => now - copy.fetchedAt < (copy.value === null ? c.ttlSeconds : (c.foundTtlSeconds ?? c.ttlSeconds)) * 1000;
    // stale-if-error, within the department's max staleness (the store expires older copies)
    const staleOr = (i: number, error: Error): Fetched<T> | Error => {
      const copy = cached[i];
      return copy && now - copy.fetchedAt < c.maxStaleSeconds * 1000 ? { value: copy.value, fetchedAt: new Date(copy.fetchedAt).toISOString(), stale: true } : error;
    };
    const out: (Fetched<T> | Error)[] = new Array(keys.length);
    const missIdx: number[] = [];
    const awaiting: { index: number; promise: Promise<Fetched<unknown>> }[] = [];
    keys.forEach((_, i) => {
      const hit = cached[i];
      if (hit && fresh(hit)) {
        out[i] = { value: hit.value, fetchedAt: new Date(hit.fetchedAt).toISOString(), stale: false };
      } else if (inFlight.has(ckeys[i])) {
        awaiting.push({ index: i, promise: inFlight.get(ckeys[i])! });
      } else {
        missIdx.push(i);
      }
    });
    // keys awaited from another request's fetch count as neither: that fetch counted its miss
    const hits = keys.length - missIdx.length - awaiting.length;
    metrics.cacheHits.inc({ department }, hits);
    metrics.cacheMisses.inc({ department }, missIdx.length);
    countScope('cacheHits', hits);
    countScope('cacheMisses', missIdx.length);

    const misses = missIdx.map((i) => keys[i]);
    const companions = companionsOf(keys, misses, (k) => inFlight.has(cacheKey(k)));
    const toFetch = [...misses, ...companions];
    const fetchKeys = toFetch.map(cacheKey);

    // Register this request's fetches before starting them, so concurrent requests join them.
    let settle!: (answers: (Fetched<T> | Error)[]) => void;
    const batchDone = new Promise<(Fetched<T> | Error)[]>((r) => (settle = r));
    const registered = fetchKeys.map((ckey, j) => {
      const p = batchDone.then((answers) => {
        const a = answers[j];
        if (a instanceof Error) throw a;
        return a;
      });
      p.catch(() => undefined);
      inFlight.set(ckey, p as Promise<Fetched<unknown>>);
      return p;
    });
    const fetched = toFetch.length > 0 ? await fetchAll(toFetch) : [];
    settle(fetched);
    const forget = (failedOnly: boolean) =>
      fetchKeys.forEach((ckey, j) => {
        if (inFlight.get(ckey) === registered[j] && (!failedOnly || fetched[j] instanceof Error)) inFlight.delete(ckey);
      });
    // a failed key is not cached: the next request asks again at once
    forget(true);

    const toStore: { key: string; answer: { value: T | null; fetchedAt: number } }[] = [];
    const toCache = (key: K, answer: Fetched<T>) => toStore.push({ key: cacheKey(key), answer: { value: answer.value, fetchedAt: Date.parse(answer.fetchedAt) } });
    missIdx.forEach((i, j) => {
      const answer = fetched[j];
      if (answer instanceof Error) {
        out[i] = staleOr(i, answer);
      } else {
        out[i] = answer;
        toCache(keys[i], answer);
      }
    });
    for (const { key, answer } of keepCompanions(companions, fetched.slice(misses.length))) toCache(key, answer);
    // Written behind the answer: no consumer waits for the cache (a Redis round trip on every
    // department's critical path). Until it is written, a request in this process asking for the
    // same keys joins this settled fetch rather than finding the cache not yet written; a write
    // that never answers (Redis hung) holds them no longer than CACHE_WRITE_JOIN_MS.
    if (toFetch.length > 0) {
      const written = () => forget(false);
      c.store.setMany(toStore, c.maxStaleSeconds).then(written, written);
      setTimeout(written, CACHE_WRITE_JOIN_MS).unref();
    }
    await Promise.all(
      awaiting.map(async ({ index, promise }) => {
        try {
          out[index] = (await promise) as Fetched<T>;
        } catch (e) {
          out[index] = staleOr(index, e as Error);
        }
      }),
    );
    return out;
  }

  // No maxBatchSize: chunking to the system's limit happens inside, after the cache removed hits.
  const loader = new DataLoader<K, Fetched<T>, K>(async (keys) => (cache ? cachedBatch(keys) : uncachedBatch(keys)));
  return loader;
}

/** Splits keys into chunks of at most `size` (for systems whose calls take a list). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
