import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { Pool } from 'pg';
import { createRedis } from '../../cache/redis';
import { createTestSchema, TEST_REDIS_URL } from '../../../test/harness/database';
import { ConsentStore } from '../ConsentStore';

/** The consent look-up against the real PostgreSQL and Redis: purpose binding survives the cache. */

const SUBJECT = '91140106208681984B';
let database: Awaited<ReturnType<typeof createTestSchema>>;
let pool: Pool;
let redis: Redis;
let prefix: string;

beforeAll(async () => {
  database = await createTestSchema();
  pool = new Pool({ connectionString: database.url, max: 2 });
  prefix = `test:consent:${randomUUID()}:`;
  redis = createRedis(TEST_REDIS_URL, prefix);
  await new ConsentStore(pool, redis).migrate();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(prefix.length)));
  redis.disconnect();
  await pool.end();
  await database.drop();
});

describe('activeConsents', () => {
  it("answers only for the purpose asked, also once another purpose's state is cached", async () => {
    const store = new ConsentStore(pool, redis);
    const consent = await store.grant({ subject: SUBJECT, grantee: 'bank-cache', purpose: 'financing', expiresAt: new Date(Date.now() + 86_400_000) });
    // Cached by grant() and read back: the financing state is in Redis now.
    expect(await store.activeConsents('bank-cache', 'financing', [SUBJECT])).toEqual(new Map([[SUBJECT, consent.id]]));
    expect(await store.activeConsents('bank-cache', 'marketing', [SUBJECT])).toEqual(new Map());
    // Both answers are cached, each under a key naming its purpose.
    expect(await redis.get(`consent:financing:bank-cache:${SUBJECT}`)).toBe(consent.id);
    expect(await redis.get(`consent:marketing:bank-cache:${SUBJECT}`)).toBe('-');
    // A second store (another process) reading through the cache gives the same answers.
    const other = new ConsentStore(pool, redis);
    expect(await other.activeConsents('bank-cache', 'marketing', [SUBJECT])).toEqual(new Map());
    expect(await other.activeConsents('bank-cache', 'financing', [SUBJECT])).toEqual(new Map([[SUBJECT, consent.id]]));
  });
});
