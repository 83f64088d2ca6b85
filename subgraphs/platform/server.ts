import type { Config } from '../../lib/config';
import { createSubgraph, type Subgraph } from '../../lib/subgraph/createSubgraph';
import { loadTypeDefs } from '../../lib/subgraph/loadTypeDefs';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(__dirname, { department: false });

export function createPlatformSubgraph(config: Config): Subgraph {
  return createSubgraph({
    name: 'platform',
    typeDefs,
    resolvers,
    createLoaders,
    config,
    // The platform owns the consents table.
    onStart: ({ consentStore }) => consentStore.migrate(),
  });
}
