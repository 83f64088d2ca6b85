import type { Config } from '../../lib/config';
import { createSubgraph, type Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import { FinanceClient } from './legacyClient';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(__dirname, { department: true });

export function createFinanceSubgraph(config: Config): Subgraph {
  const policy = config.departments.finance;
  const client = new FinanceClient({
    baseUrl: config.legacyUrls.finance,
    timeoutMs: policy.timeoutMs,
    client: { retries: policy.retries, breaker: { resetTimeoutMs: policy.breakerResetMs } },
    appId: config.credentials.financeAppId,
    appSecret: config.credentials.financeAppSecret,
  });
  return createSubgraph({
    name: 'finance',
    typeDefs,
    resolvers,
    createLoaders: (_request, { legacyCache }) => createLoaders(client, { store: legacyCache, policy }),
    config,
    onStop: () => client.close(),
  });
}
