import type { Config } from '../../lib/config';
import { createSubgraph, type Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import { TaxClient } from './legacyClient';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(__dirname, { department: true });

export function createTaxSubgraph(config: Config): Subgraph {
  const policy = config.departments.tax;
  const client = new TaxClient({
    baseUrl: config.legacyUrls.tax,
    timeoutMs: policy.timeoutMs,
    client: { retries: policy.retries, breaker: { resetTimeoutMs: policy.breakerResetMs } },
    user: config.credentials.taxUser,
    password: config.credentials.taxPassword,
  });
  return createSubgraph({
    name: 'tax',
    typeDefs,
    resolvers,
    createLoaders: (_request, { legacyCache }) => createLoaders(client, { store: legacyCache, policy }),
    config,
    onStop: () => client.close(),
  });
}
