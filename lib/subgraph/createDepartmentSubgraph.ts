import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import type { LegacyCache } from '../cache/LegacyCache';
import type { Config, Department, DepartmentPolicy } from '../config';
import type { LegacyClientOptions } from '../legacy/LegacyClient';
import { createSubgraph, type Subgraph, type SubgraphContext } from './createSubgraph';

/**
 * What every department subgraph's server.ts does: one legacy client for the process (its
 * deadline, retries and breaker from the department's configured policy), fresh loaders per
 * request over the shared legacy-answer cache, and the client closed on stop.
 */

/** The LegacyClient settings of a department's policy, for its adapter's constructor. */
export function clientPolicy(policy: DepartmentPolicy): { timeoutMs: number; client: Partial<LegacyClientOptions> } {
  return { timeoutMs: policy.timeoutMs, client: { retries: policy.retries, breaker: { resetTimeoutMs: policy.breakerResetMs } } };
}

/** What the subgraph needs of a department's adapter beyond its protocol. */
export interface DepartmentClient {
  close(): Promise<void>;
  resetCircuit(): void;
}

export interface DepartmentSubgraphOptions<TClient extends DepartmentClient, TLoaders> {
  name: Department;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext<TLoaders>>;
  config: Config;
  client: TClient;
  createLoaders(client: TClient, cache: { store: LegacyCache; policy: DepartmentPolicy }): TLoaders;
}

export function createDepartmentSubgraph<TClient extends DepartmentClient, TLoaders>(
  options: DepartmentSubgraphOptions<TClient, TLoaders>,
): Subgraph {
  const { name, config, client } = options;
  const policy = config.departments[name];
  const subgraph = createSubgraph({
    name,
    typeDefs: options.typeDefs,
    resolvers: options.resolvers,
    config,
    createLoaders: (_request, { legacyCache }) => options.createLoaders(client, { store: legacyCache, policy }),
    onStop: () => client.close(),
  });
  return { ...subgraph, resetCircuit: () => client.resetCircuit() };
}
