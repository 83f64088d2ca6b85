import type { Config } from '../../lib/config';
import { createSubgraph, type Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import { MarketClient } from './legacyClient';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(__dirname, { department: true });

export function createMarketSubgraph(config: Config): Subgraph {
  const policy = config.departments.market;
  const client = new MarketClient({
    baseUrl: config.legacyUrls.market,
    apiKey: config.credentials.marketApiKey,
    timeoutMs: policy.timeoutMs,
    client: { retries: policy.retries, breaker: { resetTimeoutMs: policy.breakerResetMs } },
  });
  return createSubgraph({
    name: 'market',
    typeDefs,
    resolvers,
    createLoaders: (_request, { legacyCache }) => createLoaders(client, { store: legacyCache, policy }),
    config,
    onStop: () => client.close(),
  });
}
