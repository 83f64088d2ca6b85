import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';

/**
 * How many `Subject` objects an operation will make the gateway work on — the figure both the
 * 500-subject limit (useQueryLimits) and admission (useAdmission) go by. Counted the way
 * graphql-js executes: the root selection set collected through aliases, named and inline
 * fragments and @skip/@include (collectFields, the executor's own), arguments coerced with the
 * request's variables and their defaults. Fields that share a response key run once and count
 * once; two aliases run twice and count twice.
 *
 * Only root fields return `Subject` in this graph (a unit test keeps it so): nothing nested can
 * multiply them.
 */

/** the most subjects each root field can return, from its coerced arguments */
const SUBJECT_FIELDS: Record<string, (args: Record<string, unknown>) => number> = {
  subject: () => 1,
  // a single code where a list is expected is coerced to a list of one
  subjects: (args) => (Array.isArray(args.usccs) ? args.usccs.length : 1),
  // a credit-check screen works on the same subjects as `subjects` (issue 11)
  checkSubjects: (args) => (Array.isArray(args.usccs) ? args.usccs.length : 1),
  // counted as asked (the register serves at most 50): never less than it can return
  searchSubjects: (args) => (typeof args.first === 'number' ? Math.max(0, args.first) : 0),
};

export interface CountedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  /** the operation being executed (Apollo's requestContext.operation) */
  operation: OperationDefinitionNode;
  variables?: Record<string, unknown>;
}

export function countSubjects({ schema, document, operation, variables = {} }: CountedOperation): number {
  const root: GraphQLObjectType | null | undefined =
    operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return 0;
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  // The gateway coerces the same variables over the same schema and refuses the whole operation
  // (BAD_USER_INPUT) if they fail: such an operation executes nothing.
  const { coerced: values } = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  if (!values) return 0;

  let count = 0;
  for (const [, nodes] of collectFields(schema, fragments, values, root, operation.selectionSet)) {
    const node = nodes[0]!;
    const weigh = SUBJECT_FIELDS[node.name.value];
    const def = root.getFields()[node.name.value];
    if (!weigh || !def) continue;
    count += weigh(getArgumentValues(def, node, values));
  }
  return count;
}

/**
 * One count per request, shared by the plugins that need it: Apollo hands every plugin the same
 * request context, so the limit and admission cannot disagree.
 */
const counted = new WeakMap<object, number>();

export function subjectsOfRequest(requestContext: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation?: OperationDefinitionNode;
  request: { variables?: Record<string, unknown> };
}): number {
  let count = counted.get(requestContext);
  if (count === undefined) {
    const { schema, document, operation, request } = requestContext;
    count = operation ? countSubjects({ schema, document, operation, variables: request.variables }) : 0;
    counted.set(requestContext, count);
  }
  return count;
}
