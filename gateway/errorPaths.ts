import { GraphQLError, getNamedType, isObjectType, type FieldNode, type FragmentDefinitionNode, type GraphQLFormattedError, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields';
import type { ErrorCode } from '../lib/errors';
import { AUDIT_USCC_ALIAS, SUBJECT_TYPE } from './operationRewrite';

/**
 * Errors must point at paths the client selected (SPEC §6 "error at its path"). Execution runs the
 * rewritten operation, so an error can land on a field the client never asked for: the private
 * `uscc` the gateway adds to every Subject (operationRewrite), refused to a subject token reading
 * another subject. Such an error is moved to the nearest path the client did select and says, in
 * the client's terms, what was refused and why.
 */

export type Path = (string | number)[];

/** Error codes that mean "refused" (as opposed to "could not be fetched"). */
export const DENIAL_CODES: ReadonlySet<string> = new Set<ErrorCode>(['FORBIDDEN', 'CONSENT_REQUIRED', 'AUDIT_UNAVAILABLE']);

export interface SelectedPrefix {
  /** the longest prefix of the path that the client's operation selects */
  path: Path;
  /** the schema coordinate of that prefix's last field (null for the empty prefix) */
  coordinate: string | null;
  /** the named type that field returns */
  typeName: string | null;
}

export interface OperationShape {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** Where a walk of a path starts: a type and the client's selections on it. */
export interface Start {
  type: GraphQLObjectType;
  fields: Map<string, readonly FieldNode[]>;
}

/** Walks `path` along the client's selections from `start`; stops at the first unselected key. */
export function selectedPrefix(shape: OperationShape, start: Start, path: Path): SelectedPrefix {
  const { schema, fragments, variables } = shape;
  let { type, fields } = start;
  let result: SelectedPrefix = { path: [], coordinate: null, typeName: null };
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (typeof segment === 'number') {
      result = { ...result, path: path.slice(0, i + 1) };
      continue;
    }
    const nodes = fields.get(segment);
    const def = nodes ? type.getFields()[nodes[0].name.value] : undefined;
    if (!nodes || !def) return result;
    const next = getNamedType(def.type);
    result = { path: path.slice(0, i + 1), coordinate: `${type.name}.${def.name}`, typeName: next.name };
    if (!isObjectType(next)) {
      fields = new Map();
      continue;
    }
    type = next;
    fields = collectSubfields(schema, fragments, variables, type, nodes);
  }
  return result;
}

export interface RepointInput {
  errors: readonly GraphQLFormattedError[];
  selectedPrefix(path: Path): SelectedPrefix;
  /** the subject a Subject value at this path stands for, when known */
  subjectAt(path: Path): string | null;
}

export function repointErrors(input: RepointInput): (GraphQLFormattedError | GraphQLError)[] {
  const out: (GraphQLFormattedError | GraphQLError)[] = [];
  const seen = new Set<string>();
  for (const e of input.errors) {
    let error: GraphQLFormattedError | GraphQLError = e;
    if (e.path) {
      const selected = input.selectedPrefix(e.path as Path);
      // A new GraphQLError: Apollo masks error values that are not GraphQLErrors as internal ones.
      if (selected.path.length < e.path.length) {
        error = new GraphQLError(refusalMessage(e, selected, input.subjectAt(selected.path), (e.path as Path).slice(selected.path.length)), {
          path: selected.path.length > 0 ? selected.path : undefined,
          extensions: e.extensions,
          originalError: e instanceof Error ? e : undefined,
        });
      }
    }
    // Two refusals of unselected fields of one subject (uscc and kind) become one error.
    const key = JSON.stringify([error.path ?? null, error.extensions?.code ?? null, error.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error);
  }
  return out;
}

function refusalMessage(e: GraphQLFormattedError, selected: SelectedPrefix, subject: string | null, unselected: Path): string {
  const code = String(e.extensions?.code ?? '');
  if (!DENIAL_CODES.has(code)) return e.message;
  const reason = typeof e.extensions?.reason === 'string' ? e.extensions.reason : null;
  let what = selected.typeName === SUBJECT_TYPE && subject ? `subject ${subject}` : (selected.coordinate ?? 'the operation');
  // Not the subject's key (the private uscc alias, or uscc the gateway fetches as the entity key) but
  // a section the gateway fetched for a selected field's @requires (the credit check reads the
  // departments' sections): name it, the subject itself was not refused.
  if (selected.typeName === SUBJECT_TYPE && subject && typeof unselected[0] === 'string' && !['uscc', AUDIT_USCC_ALIAS].includes(unselected[0])) {
    what = `${unselected.filter((k) => typeof k === 'string').join('.')} of subject ${subject} (fetched for a field this operation selects: creditCheck)`;
  }
  if (code === 'CONSENT_REQUIRED' && reason) return `${what} ${reason}`;
  return `Not authorized to read ${what}${reason ? `: ${reason}` : ''}`;
}
