import type { Config } from '../../lib/config';
import { clientPolicy, createDepartmentSubgraph } from '../../lib/subgraph/createDepartmentSubgraph';
import type { Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import { CustomsClient } from './legacyClient';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(__dirname, { department: true });

export function createCustomsSubgraph(config: Config): Subgraph {
  const client = new CustomsClient({
    baseUrl: config.legacyUrls.customs,
    ...clientPolicy(config.departments.customs),
    ...config.credentials.customs,
  });
  return createDepartmentSubgraph({ name: 'customs', typeDefs, resolvers, config, client, createLoaders });
}
