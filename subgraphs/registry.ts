import type { DocumentNode } from 'graphql';
import { SUBGRAPHS, type Config, type SubgraphName } from '../lib/config';
import type { Subgraph } from '../lib/subgraph/createSubgraph';
import type { Clock } from '../lib/loop/calendar';
import * as court from './court/server';
import * as customs from './customs/server';
import * as finance from './finance/server';
import * as market from './market/server';
import * as platform from './platform/server';
import * as tax from './tax/server';

/**
 * Every subgraph of the graph. Composition, `npm start` and the tests read this list, in SPEC §4
 * port order (platform, then the department table's order). A new department is one line here;
 * the type check names a department of lib/departments.ts that has none.
 */
export interface SubgraphModule {
  name: SubgraphName;
  typeDefs: DocumentNode;
  /** `clock`: what the platform's workflows ask the time (issue 12's deadlines); departments ignore it */
  create(config: Config, options?: { clock?: Clock }): Subgraph;
}

const MODULES: { [N in SubgraphName]: Omit<SubgraphModule, 'name'> } = {
  platform: { typeDefs: platform.typeDefs, create: platform.createPlatformSubgraph },
  market: { typeDefs: market.typeDefs, create: market.createMarketSubgraph },
  tax: { typeDefs: tax.typeDefs, create: tax.createTaxSubgraph },
  court: { typeDefs: court.typeDefs, create: court.createCourtSubgraph },
  customs: { typeDefs: customs.typeDefs, create: customs.createCustomsSubgraph },
  finance: { typeDefs: finance.typeDefs, create: finance.createFinanceSubgraph },
  // sixth-department anchor: test/sixthDepartment.test.ts inserts a toy line above this one
};

export const SUBGRAPH_MODULES: SubgraphModule[] = SUBGRAPHS.map((name) => ({ name, ...MODULES[name] }));
