import type { StandIn } from '../../../legacy/common/StandIn';
import { createTaxStandIn } from '../../../legacy/tax/server';
import { createWorld, subjectsWhere } from '../../../legacy/world';
import type { Subject, World } from '../../../legacy/world/types';
import { MemoryLegacyCache } from '../../../lib/cache/LegacyCache';
import { DEPARTMENT_TABLE } from '../../../lib/departments';
import { DepartmentUnavailableError, MalformedRecordError } from '../../../lib/subgraph/errors';
import { TAX_BATCH_LIMIT, TaxClient } from '../legacyClient';
import { createLoaders } from '../loaders';

const CREDENTIALS = { user: 'dev', password: 'dev' };

describe('tax loaders (by the likely 纳税人识别号, the other beside it where a call has room, then the misses by the other)', () => {
  let world: World;
  let standIn: StandIn;
  let client: TaxClient;

  beforeAll(async () => {
    world = createWorld({ size: 10000, seed: 1 });
    standIn = createTaxStandIn({ world, latencyMs: 0, credentials: CREDENTIALS });
    const url = await standIn.listen(0);
    client = new TaxClient({ baseUrl: url, ...CREDENTIALS });
  });
  afterAll(async () => {
    await client.close();
    await standIn.close();
  });
  beforeEach(() => standIn.reset());

  const find = (predicate: (s: Subject) => boolean, what: string, count = 1) => subjectsWhere(world, predicate, { what, count });
  const pre2015Taxpayer = (s: Subject) => s.tax !== null && s.registeredBefore2015;
  const post2015Taxpayer = (s: Subject) => s.tax !== null && !s.registeredBefore2015;
  const unknownToTax = (s: Subject) => s.tax === null;

  it('asks each subject by its likely form and pools the misses of every batch into the fewest second calls', async () => {
    const subjects = Array.from({ length: 500 }, (_, i) => world.subject(i * 7));
    // asked again by the other form: subjects tax does not know at all (the guess never fails in this world)
    const misses = subjects.filter((s) => s.tax === null).length;
    const pre2015 = subjects.filter((s) => s.tax !== null && s.tax.taxpayerId !== s.uscc).length;
    expect(pre2015).toBeGreaterThan(TAX_BATCH_LIMIT);
    expect(misses).toBeGreaterThan(0);

    const loaders = createLoaders(client);
    const results = await Promise.all(subjects.map((s) => loaders.taxpayer.load(s.uscc)));

    expect(results.map((r) => r.value?.taxpayerId ?? null)).toEqual(subjects.map((s) => s.tax?.taxpayerId ?? null));
    expect(standIn.stats()).toEqual({
      requests: Math.ceil(500 / TAX_BATCH_LIMIT) + Math.ceil(misses / TAX_BATCH_LIMIT),
      keys: 500 + misses,
    });
  });

  it('makes one call, both forms of each subject in it, for a mix of post- and pre-2015 taxpayers', async () => {
    const known = [];
    for (let i = 0; known.length < 6; i++) if (world.subject(i).tax) known.push(world.subject(i));
    expect(new Set(known.map((s) => s.registeredBefore2015)).size).toBe(2);
    const loaders = createLoaders(client);
    await Promise.all(known.map((s) => loaders.taxpayer.load(s.uscc)));
    expect(standIn.stats()).toEqual({ requests: 1, keys: 12 });
  });

  it.each([
    ['a pre-2015 taxpayer', pre2015Taxpayer],
    ['a post-2015 taxpayer', post2015Taxpayer],
  ])('asks %s alone by both forms in one call and serves its record', async (what, predicate) => {
    const [s] = find(predicate, what);
    const answer = await createLoaders(client).taxpayer.load(s.uscc);
    expect(answer.value).toMatchObject({ taxpayerId: s.tax!.taxpayerId, name: s.tax!.name });
    expect(standIn.stats()).toEqual({ requests: 1, keys: 2 });
  });

  it('answers a subject tax knows by neither form with null after one call', async () => {
    const [s] = find(unknownToTax, 'subject unknown to tax');
    const answer = await createLoaders(client).taxpayer.load(s.uscc);
    expect(answer).toMatchObject({ value: null, stale: false });
    expect(standIn.stats()).toEqual({ requests: 1, keys: 2 });
  });

  it('asks again only the misses whose other form found no room in the first calls', async () => {
    // 30 subjects: two calls of 20 hold 30 likely forms and the other form of the first 10, so
    // of the 4 unknown to tax only the 2 beyond those 10 are asked again
    const unknown = find(unknownToTax, 'subjects unknown to tax', 4);
    const known = find(post2015Taxpayer, 'post-2015 taxpayers', 26);
    const subjects = [unknown[0], unknown[1], ...known.slice(0, 8), ...known.slice(8, 13), unknown[2], unknown[3], ...known.slice(13)];
    const loaders = createLoaders(client);
    const answers = await Promise.all(subjects.map((s) => loaders.taxpayer.load(s.uscc)));
    expect(answers.map((a) => a.value?.taxpayerId ?? null)).toEqual(subjects.map((s) => s.tax?.taxpayerId ?? null));
    expect(standIn.stats()).toEqual({ requests: 3, keys: 30 + 10 + 2 });
  });

  it('serves a warm subject from the cache by either form: no call', async () => {
    const cache = { store: new MemoryLegacyCache(), policy: DEPARTMENT_TABLE.tax.policy };
    const subjects = [...find(pre2015Taxpayer, 'pre-2015 taxpayer'), ...find(post2015Taxpayer, 'post-2015 taxpayer'), ...find(unknownToTax, 'subject unknown to tax')];
    const cold = await Promise.all(subjects.map((s) => createLoaders(client, cache).taxpayer.load(s.uscc)));
    expect(standIn.stats().requests).toBe(subjects.length);
    standIn.reset();

    const warm = await Promise.all(subjects.map((s) => createLoaders(client, cache).taxpayer.load(s.uscc)));
    expect(warm).toEqual(cold);
    expect(standIn.stats()).toEqual({ requests: 0, keys: 0 });
  });

  it('fails only the subject whose record is malformed, the others of its call served', async () => {
    const [bad, good] = find(pre2015Taxpayer, 'pre-2015 taxpayers', 2);
    standIn.setFaults({ malformed: [bad.uscc] });
    const loaders = createLoaders(client);
    const [badAnswer, goodAnswer] = await Promise.allSettled([loaders.taxpayer.load(bad.uscc), loaders.taxpayer.load(good.uscc)]);
    expect(badAnswer.status === 'rejected' && badAnswer.reason).toBeInstanceOf(MalformedRecordError);
    expect(goodAnswer.status === 'fulfilled' && goodAnswer.value.value?.taxpayerId).toBe(good.tax!.taxpayerId);
    expect(standIn.stats().requests).toBe(1);
  });

  it('fails each key with DepartmentUnavailableError when the service is down, leaving no caller hanging', async () => {
    standIn.setFaults({ errorRate: 1 });
    const failing = new TaxClient({ baseUrl: standIn.url, ...CREDENTIALS });
    try {
      const loaders = createLoaders(failing);
      const results = await Promise.allSettled([0, 1, 2].map((i) => loaders.taxpayer.load(world.subject(i).uscc)));
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(DepartmentUnavailableError);
      }
    } finally {
      await failing.close();
    }
  });
});
