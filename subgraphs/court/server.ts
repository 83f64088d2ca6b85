import type { Config } from '../../lib/config';
import { clientPolicy, createDepartmentSubgraph } from '../../lib/subgraph/createDepartmentSubgraph';
import type { Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import { CourtClient } from './legacyClient';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(__dirname, { department: true });

export function createCourtSubgraph(config: Config): Subgraph {
  // One client, one queue of 8 slots, for every request of this process: the limit is per client.
  const client = new CourtClient({
    baseUrl: config.legacyUrls.court,
    ...clientPolicy(config.departments.court),
  });
  return createDepartmentSubgraph({ name: 'court', typeDefs, resolvers, config, client, createLoaders });
}
