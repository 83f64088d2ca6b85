import { runSubgraph } from '../../lib/subgraph/runSubgraph';
import { createCustomsSubgraph } from './server';

runSubgraph('customs', createCustomsSubgraph);
