import type { Config } from '../../lib/config';
import { createSubgraph, type Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import { CustomsClient } from './legacyClient';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(__dirname, { department: true });

export function createCustomsSubgraph(config: Config): Subgraph {
  const policy = config.departments.customs;
  const client = new CustomsClient({
    baseUrl: config.legacyUrls.customs,
    timeoutMs: policy.timeoutMs,
    client: { retries: policy.retries, breaker: { resetTimeoutMs: policy.breakerResetMs } },
    user: config.credentials.customsUser,
    password: config.credentials.customsPassword,
  });
  return createSubgraph({
    name: 'customs',
    typeDefs,
    resolvers,
    createLoaders: (_request, { legacyCache }) => createLoaders(client, { store: legacyCache, policy }),
    config,
    onStop: () => client.close(),
  });
}
