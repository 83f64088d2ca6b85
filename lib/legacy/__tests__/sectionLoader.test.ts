import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { MemoryLegacyCache, RedisLegacyCache, decodeAnswer, encodeAnswer, type LegacyCache } from '../../cache/LegacyCache';
import { DepartmentUnavailableError, MalformedRecordError } from '../../errors';
import { identifierCache } from '../sectionCache';
import { createSectionLoader } from '../sectionLoader';

/**
 * The loader every department uses, over a scripted department: a fetch function that records
 * its calls and can be made to fail. The cache is exercised in both forms (real Redis and
 * in-process).
 */

function department() {
  const calls: string[][] = [];
  let failing = false;
  /** keys whose record the parser refuses */
  const malformed = new Set<string>();
  return {
    calls,
    fail: (v: boolean) => (failing = v),
    malformed,
    fetch: async (keys: readonly string[]) => {
      calls.push([...keys]);
      await new Promise((r) => setTimeout(r, 10));
      if (failing) throw new DepartmentUnavailableError('market', 'system busy');
      return new Map<string, { name: string } | MalformedRecordError>(
        keys.filter((k) => !k.startsWith('none')).map((k) => [k, malformed.has(k) ? new MalformedRecordError('market', k, 'unreadable') : { name: `value of ${k}` }]),
      );
    },
  };
}

/** each key's companion, as tax's other 纳税人识别号 */
const other = (k: string) => (k.startsWith('other-') ? undefined : `other-${k}`);

const keys = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('batching', () => {
  it('splits one tick of keys into the system limit and answers absent keys with null', async () => {
    const d = department();
    const loader = createSectionLoader({ department: 'market', maxBatchSize: 100, fetch: d.fetch });
    const answers = await Promise.all([...keys(250), 'none1'].map((k) => loader.load(k)));
    expect(d.calls.map((c) => c.length).sort((a, b) => a - b)).toEqual([51, 100, 100]);
    expect(answers[0].value).toEqual({ name: 'value of k0' });
    expect(answers[250]).toMatchObject({ value: null, stale: false });
  });

  it('fails only its own keys with DepartmentUnavailableError when the system fails', async () => {
    const d = department();
    d.fail(true);
    const loader = createSectionLoader({ department: 'market', maxBatchSize: 10, fetch: d.fetch });
    await expect(loader.load('k1')).rejects.toBeInstanceOf(DepartmentUnavailableError);
  });
});

describe('companions', () => {
  it('fill the spare room of the calls the keys need, never a call of their own, and answer their later loads', async () => {
    const d = department();
    const loader = createSectionLoader({ department: 'market', maxBatchSize: 4, fetch: d.fetch, companion: other });
    await Promise.all(keys(5).map((k) => loader.load(k)));
    expect(d.calls).toEqual([keys(4), ['k4', 'other-k0', 'other-k1', 'other-k2']]);

    expect((await loader.load('other-k1')).value).toEqual({ name: 'value of other-k1' });
    expect(d.calls).toHaveLength(2);
    await loader.load('other-k3');
    expect(d.calls[2]).toEqual(['other-k3']);
  });

  it('are not asked beside themselves: a companion asked for in the same batch goes into the call once', async () => {
    const d = department();
    const loader = createSectionLoader({ department: 'market', maxBatchSize: 4, fetch: d.fetch, companion: other });
    await Promise.all(['k0', 'other-k0', 'k1'].map((k) => loader.load(k)));
    expect(d.calls).toEqual([['k0', 'other-k0', 'k1', 'other-k1']]);
  });
});

describe('a cache write', () => {
  /** a cache that never has the key and whose writes never answer (Redis hung mid-write) */
  function hungWrites() {
    const writes: string[][] = [];
    const store: LegacyCache = {
      getMany: async (ks) => ks.map(() => undefined),
      setMany: (entries) => {
        writes.push(entries.map((e) => e.key));
        return new Promise<void>(() => undefined);
      },
      invalidate: async () => undefined,
    };
    return { store, writes };
  }

  it('is not waited for by the answer, and a request meanwhile joins the fetch instead of asking the system again', async () => {
    const d = department();
    const { store, writes } = hungWrites();
    const o = { department: 'market' as const, maxBatchSize: 10, fetch: d.fetch, cache: { store, namespace: 'behind', ttlSeconds: 60, maxStaleSeconds: 3600 } };
    const first = await createSectionLoader(o).load('k1');
    expect(first).toMatchObject({ value: { name: 'value of k1' }, stale: false });
    expect(writes).toEqual([['behind:k1']]);
    const second = await createSectionLoader(o).load('k1');
    expect(second).toEqual(first);
    expect(d.calls).toEqual([['k1']]);
  });

  it('that never answers stops holding the key after a second: the next request asks the system', async () => {
    const d = department();
    const { store } = hungWrites();
    const o = { department: 'market' as const, maxBatchSize: 10, fetch: d.fetch, cache: { store, namespace: 'hung', ttlSeconds: 60, maxStaleSeconds: 3600 } };
    await createSectionLoader(o).load('k1');
    await new Promise((r) => setTimeout(r, 1100));
    await createSectionLoader(o).load('k1');
    expect(d.calls).toEqual([['k1'], ['k1']]);
  });
});

describe.each([
  ['in-process', () => new MemoryLegacyCache()],
  ['Redis', () => new RedisLegacyCache(new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: `test:${randomUUID()}:` }))],
])('cache (%s)', (_name, makeStore) => {
  let store: LegacyCache;
  beforeAll(() => {
    store = makeStore();
  });
  afterAll(() => {
    if (store instanceof RedisLegacyCache) (store as unknown as { redis: Redis }).redis.disconnect();
  });
  const opts = (d: ReturnType<typeof department>, ttlSeconds = 60) => ({
    department: 'market' as const,
    maxBatchSize: 100,
    fetch: d.fetch,
    cache: { store, namespace: `ns-${randomUUID()}`, ttlSeconds, maxStaleSeconds: 3600 },
  });

  it('serves a second request from the cache, and batches only the misses of a partly warm request', async () => {
    const d = department();
    const o = opts(d);
    await Promise.all(keys(60).map((k) => createSectionLoader(o).load(k)));
    d.calls.length = 0;
    const second = createSectionLoader(o);
    const answers = await Promise.all(keys(150).map((k) => second.load(k)));
    // 60 cached; the 90 misses go in ONE call, not split around the hits.
    expect(d.calls.map((c) => c.length)).toEqual([90]);
    expect(answers[10]).toMatchObject({ value: { name: 'value of k10' }, stale: false });
  });

  it('makes one legacy call for N concurrent requests asking the same cold key', async () => {
    const d = department();
    const o = opts(d);
    const answers = await Promise.all(Array.from({ length: 10 }, () => createSectionLoader(o).load('cold')));
    expect(d.calls).toEqual([['cold']]);
    expect(new Set(answers.map((a) => JSON.stringify(a.value))).size).toBe(1);
  });

  it('serves the last known copy marked stale when the system fails, and refuses once none is cached', async () => {
    const d = department();
    const o = opts(d, 1);
    const fresh = await createSectionLoader(o).load('k1');
    await new Promise((r) => setTimeout(r, 1100));
    d.fail(true);
    const stale = await createSectionLoader(o).load('k1');
    expect(stale).toEqual({ value: fresh.value, fetchedAt: fresh.fetchedAt, stale: true });
    await expect(createSectionLoader(o).load('never-cached')).rejects.toBeInstanceOf(DepartmentUnavailableError);
  });

  it('caches companions under their own key, so a later request asking for one makes no call', async () => {
    const d = department();
    const o = { ...opts(d), companion: other };
    await createSectionLoader(o).load('none1');
    expect(d.calls).toEqual([['none1', 'other-none1']]);
    expect(await createSectionLoader(o).load('other-none1')).toMatchObject({ value: { name: 'value of other-none1' }, stale: false });
    expect(await createSectionLoader(o).load('none1')).toMatchObject({ value: null, stale: false });
    expect(d.calls).toHaveLength(1);
  });

  it('lets a concurrent request asking for a companion join the call that carries it', async () => {
    const d = department();
    // the call carrying the companion is held until both requests have read the cache, so the
    // second finds it under way however the machine schedules them
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reads = 0;
    const counted: LegacyCache = {
      getMany: async (keys) => {
        const found = await store.getMany(keys);
        reads++;
        return found as never;
      },
      setMany: (entries, keep) => store.setMany(entries, keep),
      invalidate: (keys) => store.invalidate(keys),
    };
    const held = { ...d, fetch: async (keys: readonly string[]) => (await gate, d.fetch(keys)) };
    const o = { ...opts(held), cache: { ...opts(held).cache, store: counted }, companion: other };
    const both = Promise.all([createSectionLoader(o).load('k1'), createSectionLoader(o).load('other-k1')]);
    while (reads < 2) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    release();
    await both;
    expect(d.calls).toEqual([['k1', 'other-k1']]);
  });

  it('does not ask again a companion another request is already fetching', async () => {
    const d = department();
    // the first request's call is held until the second has made its own, so the companion is
    // still under way when the second request looks for room — however busy the machine is
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const asked: string[][] = [];
    const held = {
      ...d,
      fetch: async (keys: readonly string[]) => {
        asked.push([...keys]);
        if (asked.length === 1) await gate;
        return d.fetch(keys);
      },
    };
    const o = { ...opts(held), companion: other };
    const first = createSectionLoader(o).load('other-k1');
    // its batch registers the key as under way before it asks the system
    while (asked.length === 0) await new Promise((r) => setImmediate(r));
    await createSectionLoader(o).load('k1');
    release();
    await first;
    expect(asked).toEqual([['other-k1'], ['k1']]);
  });

  it('leaves a companion whose record is refused to its own load, which serves its stale copy', async () => {
    const d = department();
    const o = { ...opts(d, 1), companion: other };
    const earlier = await createSectionLoader(o).load('other-k1');
    await new Promise((r) => setTimeout(r, 1100));
    d.malformed.add('other-k1');
    const loader = createSectionLoader(o);
    expect((await loader.load('k1')).value).toEqual({ name: 'value of k1' });
    expect(await loader.load('other-k1')).toEqual({ ...earlier, stale: true });
    expect(d.calls).toEqual([['other-k1'], ['k1', 'other-k1'], ['other-k1']]);
  });

  it('forgets invalidated keys', async () => {
    const d = department();
    const o = opts(d);
    await createSectionLoader(o).load('k1');
    await store.invalidate([`${o.cache.namespace}:k1`]);
    await createSectionLoader(o).load('k1');
    expect(d.calls).toEqual([['k1'], ['k1']]);
  });
});

describe('cache options', () => {
  it('refuses a found-record TTL shorter than the TTL or longer than the max staleness, naming the three', () => {
    const withFoundTtl = (foundTtlSeconds: number) => () =>
      createSectionLoader({ department: 'customs', maxBatchSize: 100, fetch: department().fetch, cache: { store: new MemoryLegacyCache(), namespace: 'ns', ttlSeconds: 60, foundTtlSeconds, maxStaleSeconds: 3600 } });
    expect(withFoundTtl(30)).toThrow('createSectionLoader(customs): cache needs 0 < ttlSeconds ≤ foundTtlSeconds (when set) ≤ maxStaleSeconds, got 60, 30, 3600');
    expect(withFoundTtl(7200)).toThrow(/got 60, 7200, 3600$/);
    expect(withFoundTtl(3600)).not.toThrow();
  });

  it("refuses an identifier registry's cache for a department whose policy has no identifier TTL", () => {
    const policy = { timeoutMs: 2000, retries: 1, cacheTtlSeconds: 300, maxStaleSeconds: 86_400, breakerResetMs: 5000 };
    expect(() => identifierCache(new MemoryLegacyCache(), 'market:enterprise', policy)).toThrow(/^identifierCache\(market:enterprise\): the department's policy has no identifierTtlSeconds/);
    expect(identifierCache(new MemoryLegacyCache(), 'customs:mapping', { ...policy, identifierTtlSeconds: 3600 })).toMatchObject({ ttlSeconds: 300, foundTtlSeconds: 3600 });
  });
});

describe('cached answers', () => {
  it('keep exact BigInt amounts through Redis', async () => {
    const answer = { value: { fen: 12345678901234567890n, list: [{ je: 5n }] }, fetchedAt: 1 };
    expect(decodeAnswer(encodeAnswer(answer))).toEqual(answer);
  });
});
