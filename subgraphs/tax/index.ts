import { runSubgraph } from '../../lib/subgraph/runSubgraph';
import { createTaxSubgraph } from './server';

runSubgraph('tax', createTaxSubgraph);
