import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { StandIn } from '../../../legacy/common/StandIn';
import { RedisLegacyCache } from '../../../lib/cache/LegacyCache';
import type { DepartmentPolicy } from '../../../lib/config';
import { createCustomsStandIn } from '../../../legacy/customs/server';
import { createWorld } from '../../../legacy/world';
import type { Subject, World } from '../../../legacy/world/types';
import { CSV_BATCH_LIMIT, CustomsClient, MAPPING_BATCH_LIMIT } from '../legacyClient';
import { createLoaders } from '../loaders';

const CREDENTIALS = { user: 'dev', password: 'dev' };

describe('customs loaders (mapping, then credit.csv by 海关编码)', () => {
  let world: World;
  let standIn: StandIn;
  let client: CustomsClient;

  beforeAll(async () => {
    world = createWorld({ size: 10000, seed: 1 });
    standIn = createCustomsStandIn({ world, latencyMs: 0, credentials: CREDENTIALS });
    const url = await standIn.listen(0);
    client = new CustomsClient({ baseUrl: url, ...CREDENTIALS });
  });
  afterAll(async () => {
    await client.close();
    await standIn.close();
  });
  beforeEach(() => standIn.reset());

  it('pools the 海关编码 of every mapping batch into the fewest CSV calls', async () => {
    // 120 registered spread over all five mapping batches: more than two CSV batches' worth.
    const registered: Subject[] = [];
    const unregistered: Subject[] = [];
    for (let i = 0; registered.length < 120 || unregistered.length < 380; i++) {
      const s = world.subject(i);
      if (s.customs && registered.length < 120) registered.push(s);
      else if (!s.customs && unregistered.length < 380) unregistered.push(s);
    }
    const subjects = Array.from({ length: 500 }, (_, i) => (i % 4 === 0 && registered.length ? registered.shift()! : unregistered.shift()!));
    const m = subjects.filter((s) => s.customs).length;
    expect(m).toBe(120);

    const loaders = createLoaders(client);
    const results = await Promise.all(subjects.map((s) => loaders.customs.load(s.uscc)));

    expect(results.map((r) => r.value?.customsCode ?? null)).toEqual(subjects.map((s) => s.customs?.customsCode ?? null));
    expect(standIn.stats()).toEqual({
      requests: Math.ceil(500 / MAPPING_BATCH_LIMIT) + Math.ceil(m / CSV_BATCH_LIMIT),
      keys: 500 + m,
    });
  });

  it('never reads the CSV when no subject is registered', async () => {
    const unregistered: Subject[] = [];
    for (let i = 0; unregistered.length < 10; i++) if (!world.subject(i).customs) unregistered.push(world.subject(i));
    const loaders = createLoaders(client);
    const results = await Promise.all(unregistered.map((s) => loaders.customs.load(s.uscc)));
    expect(results.every((r) => r.value === null)).toBe(true);
    expect(standIn.stats()).toEqual({ requests: 1, keys: 10 });
  });

  describe('cached: the mapping is an identifier registry, kept longer than the credit rows', () => {
    const RECORD_TTL_SECONDS = 1;
    // the records' TTL short enough to pass in the test; the identifier TTL the day it defaults to
    const policy: DepartmentPolicy = { timeoutMs: 3000, retries: 0, cacheTtlSeconds: RECORD_TTL_SECONDS, maxStaleSeconds: 86_400, breakerResetMs: 5000, identifierTtlSeconds: 86_400 };
    let redis: Redis;
    let cached: () => ReturnType<typeof createLoaders>;
    const pastRecordTtl = () => new Promise((r) => setTimeout(r, RECORD_TTL_SECONDS * 1000 + 100));
    const firstSubject = (accept: (s: Subject) => boolean) => {
      for (let i = 0; ; i++) if (accept(world.subject(i))) return world.subject(i);
    };

    beforeAll(() => {
      redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: `test:${randomUUID()}:` });
      const store = new RedisLegacyCache(redis);
      // a new set of loaders per request, as the subgraph makes them
      cached = () => createLoaders(client, { store, policy });
    });
    afterAll(() => redis.disconnect());

    it("serves a registered subject's 海关编码 from the cache after its credit row expired: one CSV call, no mapping call", async () => {
      const registered = firstSubject((s) => s.customs !== null);
      await cached().customs.load(registered.uscc);
      await pastRecordTtl();
      standIn.reset();
      const again = await cached().customs.load(registered.uscc);
      expect(again.value?.customsCode).toBe(registered.customs!.customsCode);
      expect(again.stale).toBe(false);
      expect(standIn.stats()).toEqual({ requests: 1, keys: 1 });
    });

    it('asks the mapping again after the records\' TTL whether a subject not registered has registered since', async () => {
      const unregistered = firstSubject((s) => s.customs === null);
      await cached().customs.load(unregistered.uscc);
      standIn.reset();
      await cached().customs.load(unregistered.uscc);
      expect(standIn.stats()).toEqual({ requests: 0, keys: 0 });
      await pastRecordTtl();
      expect((await cached().customs.load(unregistered.uscc)).value).toBeNull();
      expect(standIn.stats()).toEqual({ requests: 1, keys: 1 });
    });
  });
});
