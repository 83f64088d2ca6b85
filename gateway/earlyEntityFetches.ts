import type { GatewayConfig, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import type { FetchNode, PlanNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Kind, parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { parseUsccInput } from '../lib/graphql/scalars';
import { span } from '../lib/observability/spans';
import type { GatewayContext } from './context';
import type { GatewayPlugin } from './plugin';

/**
 * The platform hop without its wait. `subject(uscc:)` is answered by the platform subgraph with
 * the code it was given — `{ __typename: "Subject", uscc }`, nothing looked up — and every
 * department's section is then an entity fetch keyed by that representation. @apollo/gateway
 * runs the plan as written: platform first, the departments after its answer, so every profile
 * paid a whole subgraph round trip (HTTP, the platform's pipeline, JSON both ways) before any
 * department was asked. The representation is known from the request itself, so as soon as the
 * plan is resolved the first department fetches are sent beside the platform's, with exactly the
 * request the executor would build; when the executor reaches them it is handed the answer
 * already on its way (SubgraphDataSource.process). Nothing else changes: the same subgraphs are
 * asked the same operations under the same internal token, each answer is merged, walked and
 * audited as before, and a fetch the executor never reaches (the platform failed) delivers
 * nothing.
 *
 * Only fetches whose whole input is `... on Subject { __typename uscc }` at the path of a root
 * `subject(uscc:)` field are sent early, and only when every root field of the platform's fetch is
 * such a subject; any other plan runs as @apollo/gateway planned it. Measured on two shared cores
 * (README, Performance): 1–4 ms off a cold profile — the hop's wait mostly turns into the platform
 * and the departments competing for the same cores.
 */

type Process = GraphQLDataSourceProcessOptions<GatewayContext>;
type ResolvedPlan = Parameters<NonNullable<GatewayConfig['experimental_didResolveQueryPlan']>>[0];

/**
 * A request's fetches sent early, by `service + operation + variables`, until the executor takes
 * them: one answer per fetch, in the order sent, as two aliases of one subject make the executor
 * ask the same fetch twice.
 */
const early = new WeakMap<object, Map<string, Promise<GatewayGraphQLResponse>[]>>();

/** @apollo/gateway's name for a subgraph fetch's span (OpenTelemetrySpanNames.FETCH) */
const FETCH_SPAN = 'gateway.fetch';

const fetchKey = (service: string, query: string, variables: unknown) => `${service}\n${query}\n${JSON.stringify(variables)}`;

/** `experimental_didResolveQueryPlan` of ApolloGateway: sends the fetches that need only the platform's echo. */
export function sendEarlyEntityFetches({ queryPlan, serviceMap, requestContext: apolloContext }: ResolvedPlan): void {
  // Apollo types the gateway's request context loosely; ours is GatewayContext throughout
  const requestContext = apolloContext as unknown as GatewayGraphQLRequestContext<GatewayContext>;
  const first = queryPlan.node?.kind === 'Sequence' ? queryPlan.node.nodes : undefined;
  if (!first || first.length < 2 || first[0].kind !== 'Fetch' || first[0].requires) return;
  const variables = requestContext.request.variables ?? {};
  const subjects = rootSubjects(first[0], variables);
  if (subjects.size === 0) return;
  const { context } = requestContext;
  const sent = new Map<string, Promise<GatewayGraphQLResponse>[]>();
  for (const { path, fetch } of flattenedFetches(first[1])) {
    const uscc = path.length === 1 ? subjects.get(String(path[0])) : undefined;
    const service = serviceMap[fetch.serviceName];
    const representation = uscc === undefined ? undefined : subjectRepresentation(fetch.requires, uscc);
    if (!representation || !service || fetch.inputRewrites?.length) continue;
    // the variables exactly as executeQueryPlan's executeFetch builds them
    const fetchVariables: Record<string, unknown> = Object.create(null);
    for (const name of fetch.variableUsages ?? []) if (variables[name] !== undefined) fetchVariables[name] = variables[name];
    const request = { ...fetchVariables, representations: [representation] };
    // in a span named as @apollo/gateway names its fetches, so a trace still shows each subgraph under its fetch
    const answer = span(FETCH_SPAN, { service: fetch.serviceName, 'credit.early_fetch': true }, () =>
      service.process({
        kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
        request: { query: fetch.operation, variables: request, operationName: fetch.operationName },
        incomingRequestContext: requestContext,
        context,
        document: fetch.operationDocumentNode,
      }),
    );
    // a fetch the executor never takes (the platform failed) must not be an unhandled rejection
    answer.catch(() => undefined);
    const key = fetchKey(fetch.serviceName, fetch.operation, request);
    sent.set(key, [...(sent.get(key) ?? []), answer]);
  }
  if (sent.size > 0) early.set(context, sent);
}

/** The answer of a fetch sent early for this request, taken once; undefined when it was not sent early. */
export function takeEarlyFetch(service: string, options: Process): Promise<GatewayGraphQLResponse> | undefined {
  const sent = options.context && early.get(options.context);
  if (!sent || !options.request.query) return undefined;
  return sent.get(fetchKey(service, options.request.query, options.request.variables))?.shift();
}

/**
 * A request is answered only once every fetch it sent early has settled. A fetch the executor
 * never took (the platform's answer failed, as it does beside a refused non-null root field) still
 * costs its department's legacy calls: answered without waiting, the request would give back its
 * admission place and let its client send the next while that work went on, counted nowhere.
 */
export function useEarlyEntityFetches(): GatewayPlugin {
  return {
    name: 'earlyEntityFetches',
    onExecute: (execute) => async (requestContext) => {
      try {
        return await execute(requestContext);
      } finally {
        await Promise.allSettled([...(early.get(requestContext.context)?.values() ?? [])].flat());
      }
    },
  };
}

/**
 * The root fields of a platform fetch that may go early: its `subject` fields, or none when any
 * other root field stands beside them (it may be refused, and a refused non-null field fails the
 * platform's whole answer: the departments' work would be thrown away, so a client could make
 * them work for nothing). Read once per plan: @apollo/gateway caches plans, and their fetch
 * nodes with them, so a request of a known shape parses nothing here.
 */
const subjectFieldsOf = new WeakMap<FetchNode, readonly FieldNode[]>();

function subjectFields(fetch: FetchNode): readonly FieldNode[] {
  let fields = subjectFieldsOf.get(fetch);
  if (fields === undefined) {
    fields = readSubjectFields(fetch);
    subjectFieldsOf.set(fetch, fields);
  }
  return fields;
}

function readSubjectFields(fetch: FetchNode): readonly FieldNode[] {
  // the plan carries the fetch's document only with exposeDocumentNodeInFetchNode; its text always
  const document = fetch.operationDocumentNode ?? parse(fetch.operation);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.operation !== 'query') return [];
  const fields: FieldNode[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === Kind.FIELD && selection.name.value === '__typename') continue;
    if (selection.kind !== Kind.FIELD || selection.name.value !== 'subject') return [];
    fields.push(selection);
  }
  return fields;
}

/** Response name → code of each root `subject(uscc:)` field of the platform's fetch, when the code is a valid USCC. */
function rootSubjects(fetch: FetchNode, variables: Record<string, unknown>): Map<string, string> {
  const subjects = new Map<string, string>();
  for (const field of subjectFields(fetch)) {
    const uscc = usccArgument(field, variables);
    if (uscc !== undefined) subjects.set(field.alias?.value ?? field.name.value, uscc);
  }
  return subjects;
}

function usccArgument(field: FieldNode, variables: Record<string, unknown>): string | undefined {
  const value = field.arguments?.find((a) => a.name.value === 'uscc')?.value;
  const raw = value?.kind === Kind.VARIABLE ? variables[value.name.value] : value?.kind === Kind.STRING ? value.value : undefined;
  try {
    // the platform's resolver echoes the code as its scalar parsed it
    return parseUsccInput(raw);
  } catch {
    return undefined;
  }
}

/** The fetches directly under the plan's second step, with their paths. */
function flattenedFetches(node: PlanNode): { path: readonly (string | number)[]; fetch: FetchNode }[] {
  if (node.kind === 'Parallel') return node.nodes.flatMap(flattenedFetches);
  if (node.kind === 'Flatten' && node.node.kind === 'Fetch') return [{ path: node.path as (string | number)[], fetch: node.node }];
  return [];
}

/** `{ __typename: "Subject", uscc }` when the fetch needs exactly `... on Subject { __typename uscc }`. */
function subjectRepresentation(requires: QueryPlanSelectionNode[] | undefined, uscc: string): Record<string, string> | undefined {
  const [fragment] = requires ?? [];
  if (requires?.length !== 1 || fragment.kind !== 'InlineFragment' || fragment.typeCondition !== 'Subject') return undefined;
  const representation: Record<string, string> = {};
  for (const field of fragment.selections) {
    if (field.kind !== 'Field' || field.alias || field.selections) return undefined;
    if (field.name === '__typename') representation.__typename = 'Subject';
    else if (field.name === 'uscc') representation.uscc = uscc;
    else return undefined;
  }
  return representation.__typename && representation.uscc ? representation : undefined;
}
