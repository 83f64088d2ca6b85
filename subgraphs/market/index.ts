import { runSubgraph } from '../../lib/subgraph/runSubgraph';
import { createMarketSubgraph } from './server';

runSubgraph('market', createMarketSubgraph);
