import type { Config } from '../../lib/config';
import { createSubgraph, type Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import { CourtClient } from './legacyClient';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(__dirname, { department: true });

export function createCourtSubgraph(config: Config): Subgraph {
  const policy = config.departments.court;
  // One client, one queue of 8 slots, for every request of this process: the limit is per client.
  const client = new CourtClient({
    baseUrl: config.legacyUrls.court,
    timeoutMs: policy.timeoutMs,
    client: { retries: policy.retries, breaker: { resetTimeoutMs: policy.breakerResetMs } },
  });
  return createSubgraph({
    name: 'court',
    typeDefs,
    resolvers,
    createLoaders: (_request, { legacyCache }) => createLoaders(client, { store: legacyCache, policy }),
    config,
    onStop: () => client.close(),
  });
}
