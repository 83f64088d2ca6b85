import { runSubgraph } from '../../lib/subgraph/runSubgraph';
import { createPlatformSubgraph } from './server';

runSubgraph('platform', createPlatformSubgraph);
