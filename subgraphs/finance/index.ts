import { runSubgraph } from '../../lib/subgraph/runSubgraph';
import { createFinanceSubgraph } from './server';

runSubgraph('finance', createFinanceSubgraph);
