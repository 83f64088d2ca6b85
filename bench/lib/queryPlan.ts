import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode, type SubscriptionNode } from '@apollo/query-planner';
import { parse } from 'graphql';

/**
 * The query plan @apollo/gateway builds for an operation, summarized as its shape, e.g.
 * `platform → [market, tax, court, customs, finance]`, and the number of sequential subgraph
 * hops. Planned in this process with the gateway's own planner (its dependency), no request made.
 */

export interface PlanShape {
  shape: string;
  /** longest chain of fetches that must run one after another */
  sequentialHops: number;
  fetches: number;
}

function describe(node: PlanNode | SubscriptionNode): { text: string; hops: number; fetches: number } {
  switch (node.kind) {
    case 'Fetch':
      return { text: node.serviceName, hops: 1, fetches: 1 };
    case 'Flatten':
      return describe(node.node);
    case 'Sequence': {
      const parts = node.nodes.map(describe);
      return { text: parts.map((p) => p.text).join(' → '), hops: parts.reduce((a, p) => a + p.hops, 0), fetches: parts.reduce((a, p) => a + p.fetches, 0) };
    }
    case 'Parallel': {
      const parts = node.nodes.map(describe);
      return { text: `[${parts.map((p) => p.text).join(', ')}]`, hops: Math.max(0, ...parts.map((p) => p.hops)), fetches: parts.reduce((a, p) => a + p.fetches, 0) };
    }
    default:
      return { text: node.kind, hops: 0, fetches: 0 };
  }
}

export function planShape(supergraphSdl: string, query: string): PlanShape {
  const supergraph = Supergraph.build(supergraphSdl, { supportedFeatures: null });
  const planner = new QueryPlanner(supergraph);
  const operation = operationFromDocument(supergraph.schema, parse(query), { validate: true });
  const plan = planner.buildQueryPlan(operation);
  if (!plan.node) return { shape: '(no fetch)', sequentialHops: 0, fetches: 0 };
  const d = describe(plan.node);
  return { shape: d.text, sequentialHops: d.hops, fetches: d.fetches };
}
