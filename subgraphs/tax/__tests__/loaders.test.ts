import type { StandIn } from '../../../legacy/common/StandIn';
import { createTaxStandIn } from '../../../legacy/tax/server';
import { createWorld } from '../../../legacy/world';
import type { World } from '../../../legacy/world/types';
import { DepartmentUnavailableError } from '../../../lib/subgraph/errors';
import { TAX_BATCH_LIMIT, TaxClient } from '../legacyClient';
import { createLoaders } from '../loaders';

const CREDENTIALS = { user: 'dev', password: 'dev' };

describe('tax loaders (by the likely 纳税人识别号, then the misses by the other)', () => {
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

  it('makes one call for a mix of post- and pre-2015 taxpayers', async () => {
    const known = [];
    for (let i = 0; known.length < 6; i++) if (world.subject(i).tax) known.push(world.subject(i));
    expect(new Set(known.map((s) => s.registeredBefore2015)).size).toBe(2);
    const loaders = createLoaders(client);
    await Promise.all(known.map((s) => loaders.taxpayer.load(s.uscc)));
    expect(standIn.stats()).toEqual({ requests: 1, keys: 6 });
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
