import type { Config } from '../../lib/config';
import { clientPolicy, createDepartmentSubgraph } from '../../lib/subgraph/createDepartmentSubgraph';
import type { Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import { TaxClient } from './legacyClient';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(__dirname, { department: true });

export function createTaxSubgraph(config: Config): Subgraph {
  const client = new TaxClient({
    baseUrl: config.legacyUrls.tax,
    ...clientPolicy(config.departments.tax),
    ...config.credentials.tax,
  });
  return createDepartmentSubgraph({ name: 'tax', typeDefs, resolvers, config, client, createLoaders });
}
