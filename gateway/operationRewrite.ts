import { createHash } from 'node:crypto';
import {
  Kind,
  TypeInfo,
  print,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Consumer } from '../lib/auth/consumer';
import type { AccessMap } from '../lib/authz/accessPolicies';
import { everReadable } from '../lib/authz/decide';

/**
 * Before planning, the operation is rewritten once per (document, role class), the result cached:
 * - fields the consumer's role can never read are removed, so no subgraph is asked for them
 *   (as Apollo Router's authorization directives do); the result walk answers them null + FORBIDDEN;
 * - every selection on `Subject` also selects `uscc` under a private alias, so each delivered field
 *   can be attributed to its subject in the audit ledger even when the client did not ask for uscc.
 */

export const SUBJECT_TYPE = 'Subject';
export const AUDIT_USCC_ALIAS = 'auditUscc_';

export interface RewrittenOperation {
  document: DocumentNode;
  queryHash: string;
  /** field nodes of the ORIGINAL document that were removed */
  removed: ReadonlySet<FieldNode>;
}

const auditUsccSelection: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: AUDIT_USCC_ALIAS },
  name: { kind: Kind.NAME, value: 'uscc' },
};

/** Role classes that see the same static shape of the graph. */
export function roleClass(consumer: Pick<Consumer, 'role' | 'purpose'>): string {
  return consumer.role === 'government' && consumer.purpose === 'financial-supervision' ? 'government+supervision' : consumer.role;
}

export function rewriteOperation(schema: GraphQLSchema, document: DocumentNode, access: AccessMap, consumer: Pick<Consumer, 'role' | 'purpose'>): RewrittenOperation {
  const removed = new Set<FieldNode>();
  const typeInfo = new TypeInfo(schema);
  const rewritten = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          const parent = typeInfo.getParentType();
          if (!parent) return undefined;
          const policies = access.get(`${parent.name}.${node.name.value}`);
          if (policies && !everReadable(policies, consumer)) {
            removed.add(node);
            return null;
          }
          return undefined;
        },
      },
      SelectionSet: {
        leave(node): SelectionSetNode | undefined {
          // visitWithTypeInfo leaves TypeInfo after this callback: the parent type is still
          // the type this selection set selects on (field type, fragment or operation type).
          const named = typeInfo.getParentType();
          const selections = node.selections.length === 0 ? [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } } as FieldNode] : node.selections;
          if (named?.name === SUBJECT_TYPE) return { ...node, selections: [...selections, auditUsccSelection] };
          return selections === node.selections ? undefined : { ...node, selections };
        },
      },
    }),
  );
  const text = print(rewritten);
  return { document: rewritten, queryHash: createHash('sha256').update(text).digest('hex'), removed };
}
