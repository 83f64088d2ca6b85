import type { Config } from '../../lib/config';
import { clientPolicy, createDepartmentSubgraph } from '../../lib/subgraph/createDepartmentSubgraph';
import type { Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import { FinanceClient } from './legacyClient';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(__dirname, { department: true });

export function createFinanceSubgraph(config: Config): Subgraph {
  const client = new FinanceClient({
    baseUrl: config.legacyUrls.finance,
    ...clientPolicy(config.departments.finance),
    ...config.credentials.finance,
  });
  return createDepartmentSubgraph({ name: 'finance', typeDefs, resolvers, config, client, createLoaders });
}
