import { runSubgraph } from '../../lib/subgraph/runSubgraph';
import { createCourtSubgraph } from './server';

runSubgraph('court', createCourtSubgraph);
