import type { StandIn } from '../../../legacy/common/StandIn';
import { createTaxStandIn } from '../../../legacy/tax/server';
import { createWorld } from '../../../legacy/world';
import type { World } from '../../../legacy/world/types';
import { DepartmentUnavailableError } from '../../../lib/subgraph/errors';
import { TAX_BATCH_LIMIT, TaxClient } from '../legacyClient';
import { createLoaders } from '../loaders';

const CREDENTIALS = { user: 'dev', password: 'dev' };

describe('tax loaders (by USCC, then the misses by old 税务登记号)', () => {
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

  it('pools the misses of every USCC batch into the fewest old-number calls', async () => {
    const subjects = Array.from({ length: 500 }, (_, i) => world.subject(i * 7));
    // n: asked again by old number = pre-2015 taxpayers and subjects tax does not know at all
    const misses = subjects.filter((s) => s.tax === null || s.tax.taxpayerId !== s.uscc).length;
    expect(misses).toBeGreaterThan(TAX_BATCH_LIMIT);

    const loaders = createLoaders(client);
    const results = await Promise.all(subjects.map((s) => loaders.taxpayer.load(s.uscc)));

    expect(results.map((r) => r.value?.taxpayerId ?? null)).toEqual(subjects.map((s) => s.tax?.taxpayerId ?? null));
    expect(standIn.stats()).toEqual({
      requests: Math.ceil(500 / TAX_BATCH_LIMIT) + Math.ceil(misses / TAX_BATCH_LIMIT),
      keys: 500 + misses,
    });
  });

  it('makes one call when every subject is found by USCC', async () => {
    const known = [];
    for (let i = 0; known.length < 5; i++) if (world.subject(i).tax?.taxpayerId === world.subject(i).uscc) known.push(world.subject(i));
    const loaders = createLoaders(client);
    await Promise.all(known.map((s) => loaders.taxpayer.load(s.uscc)));
    expect(standIn.stats()).toEqual({ requests: 1, keys: 5 });
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
