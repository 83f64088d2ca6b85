import type { RequestInfo } from '../../lib/subgraph/createSubgraph';

/** The platform answers from the code alone: nothing to batch yet (consents will live here). */
export type PlatformLoaders = Record<string, never>;

export function createLoaders(_request: RequestInfo): PlatformLoaders {
  return {};
}
