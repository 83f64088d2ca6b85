import type { DocumentNode } from 'graphql';
import type { Config, SubgraphName } from '../lib/config';
import type { Subgraph } from '../lib/subgraph/createSubgraph';
import * as court from './court/server';
import * as customs from './customs/server';
import * as finance from './finance/server';
import * as market from './market/server';
import * as platform from './platform/server';
import * as tax from './tax/server';

/**
 * Every subgraph of the graph, in SPEC §4 port order. Composition, `npm start` and the tests read
 * this list; adding a department means one line here.
 */
export interface SubgraphModule {
  name: SubgraphName;
  typeDefs: DocumentNode;
  create(config: Config): Subgraph;
}

export const SUBGRAPH_MODULES: SubgraphModule[] = [
  { name: 'platform', typeDefs: platform.typeDefs, create: platform.createPlatformSubgraph },
  { name: 'market', typeDefs: market.typeDefs, create: market.createMarketSubgraph },
  { name: 'tax', typeDefs: tax.typeDefs, create: tax.createTaxSubgraph },
  { name: 'court', typeDefs: court.typeDefs, create: court.createCourtSubgraph },
  { name: 'customs', typeDefs: customs.typeDefs, create: customs.createCustomsSubgraph },
  { name: 'finance', typeDefs: finance.typeDefs, create: finance.createFinanceSubgraph },
];
