import type { Config } from '../../lib/config';
import { clientPolicy, createDepartmentSubgraph } from '../../lib/subgraph/createDepartmentSubgraph';
import type { Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import { MarketClient } from './legacyClient';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(__dirname, { department: true });

export function createMarketSubgraph(config: Config): Subgraph {
  const { timeoutMs, client: policy } = clientPolicy(config.departments.market);
  const client = new MarketClient({
    baseUrl: config.legacyUrls.market,
    ...config.credentials.market,
    timeoutMs,
    // Penalties are one code per call: a 500-subject batch queues hundreds of them. The deadline
    // starts once a call has a slot; the wait for one is bounded on its own.
    client: { ...policy, queueTimeoutMs: 20_000 },
  });
  return createDepartmentSubgraph({ name: 'market', typeDefs, resolvers, config, client, createLoaders });
}
