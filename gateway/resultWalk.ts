import {
  GraphQLError,
  Kind,
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';
import type { AccessMap, AccessPolicies } from '../lib/authz/accessPolicies';
import { requirement } from '../lib/authz/decide';
import { clientError } from '../lib/errors';
import { DENIAL_CODES, repointErrors, selectedPrefix, type Path } from './errorPaths';
import { AUDIT_USCC_ALIAS, SUBJECT_TYPE } from './operationRewrite';

/**
 * One walk of the result along the client's ORIGINAL operation, after execution: it rebuilds the
 * response without the private audit alias, answers the fields removed before planning with null +
 * FORBIDDEN at their paths, re-points errors at paths the client selected (errorPaths), and reports
 * every field of every Subject as delivered or refused, with the subject it belongs to — the audit
 * ledger's raw material (SPEC §8).
 *
 * A refusal withholds everything the client selected below the refused value: null bubbles up from
 * a refused non-null field (a subject token reading another subject is refused Subject.uscc, the
 * private alias, and the whole Subject goes null), so each field selected there is recorded DENIED.
 */

export type { Path };

/** The refusal codes found under a nulled value: per selected coordinate, and the first. */
interface Refusal {
  first: string;
  byCoordinate: Map<string, string>;
}

export interface FieldOutcome {
  /** null only for root fields that concern no single subject (e.g. an unfiltered audit trail) */
  subject: string | null;
  /** schema coordinate, e.g. FinanceProfile.loanBalance */
  coordinate: string;
  decision: 'GRANTED' | 'DENIED';
  /** for DENIED the error code; for GRANTED empty */
  reason: string;
  path: Path;
  /** readable by every consumer class (served even when the ledger is down) */
  publicClass: boolean;
  /** classified FINANCING (a bank reads it under a consent) */
  financing: boolean;
}

/** Provenance is metadata about a section, not data about the subject. */
const UNAUDITED_TYPES = new Set(['Source']);

export interface WalkInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
  data: Record<string, unknown> | null | undefined;
  errors: readonly GraphQLFormattedError[] | undefined;
  removed: ReadonlySet<FieldNode>;
  access: AccessMap;
}

export interface WalkOutput {
  data: Record<string, unknown> | null | undefined;
  /** the response's errors: execution's, re-pointed at selected paths, and the removed fields' */
  errors: (GraphQLFormattedError | GraphQLError)[];
  outcomes: FieldOutcome[];
}

const pathKey = (path: Path) => path.join('\u0000');

/** PUBLIC class: some alternative needs nothing beyond being an authenticated consumer. */
export function isPublicClass(policies: AccessPolicies | undefined): boolean {
  return !policies || policies.some((all) => all.every((p) => p === 'PUBLIC' || p === 'AUTHENTICATED'));
}

export function walkResult(input: WalkInput): WalkOutput {
  const { schema, removed, access } = input;
  // The variables as execution saw them: with their defaults, so that @include(if: $x) and a
  // subject named by `$u = "…"` are walked as they ran (the raw ones would throw, or lose the subject).
  const variables = getVariableValues(schema, input.operation.variableDefinitions ?? [], input.variables, { maxErrors: 1 }).coerced ?? input.variables;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of input.document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;

  const shape = { schema, fragments, variables };
  const errorsByPath = new Map<string, GraphQLFormattedError[]>();
  for (const e of input.errors ?? []) {
    if (!e.path) continue;
    const k = pathKey(e.path as Path);
    errorsByPath.set(k, [...(errorsByPath.get(k) ?? []), e]);
  }
  const errorsUnder = (path: Path): GraphQLFormattedError[] => {
    const prefix = pathKey(path);
    const out: GraphQLFormattedError[] = [];
    for (const [k, list] of errorsByPath) if (k === prefix || k.startsWith(prefix + '\u0000')) out.push(...list);
    return out;
  };

  const added: GraphQLError[] = [];
  const outcomes: FieldOutcome[] = [];
  // Fields without @access inherit the class of the classified field that leads to them.
  const classOf = (coordinate: string, inherited: AccessPolicies | undefined) => access.get(coordinate) ?? inherited;
  const record = (subject: string | null, coordinate: string, decision: FieldOutcome['decision'], reason: string, path: Path, policies: AccessPolicies | undefined) => {
    if (!subject || UNAUDITED_TYPES.has(coordinate.split('.')[0])) return;
    outcomes.push({
      subject,
      coordinate,
      decision,
      reason,
      path,
      publicClass: isPublicClass(policies),
      financing: policies?.some((all) => all.includes('FINANCING')) ?? false,
    });
  };

  /** The refusal codes under a nulled value: per coordinate the client selected, and the first. */
  function denialsUnder(path: Path, type: GraphQLObjectType | null, nodes: readonly FieldNode[]): Refusal | null {
    let first: string | null = null;
    const byCoordinate = new Map<string, string>();
    for (const e of errorsUnder(path)) {
      const code = String(e.extensions?.code ?? '');
      if (!DENIAL_CODES.has(code)) continue;
      first ??= code;
      const rest = (e.path as Path).slice(path.length);
      // null when the error is on a field the client did not select (the private alias)
      const selected = type && rest.length > 0 ? selectedPrefix(shape, { type, fields: collectSubfields(schema, fragments, variables, type, nodes) }, rest) : null;
      const coordinate = selected && selected.path.length === rest.length ? selected.coordinate : null;
      if (coordinate && !byCoordinate.has(coordinate)) byCoordinate.set(coordinate, code);
    }
    return first === null ? null : { first, byCoordinate };
  }

  /** Records every field the client selected below `path` as refused (nothing of it was delivered). */
  function refuseSelection(type: GraphQLObjectType, nodes: readonly FieldNode[], path: Path, subject: string | null, refusal: Refusal, inherited: AccessPolicies | undefined): void {
    for (const [key, fieldNodes] of collectSubfields(schema, fragments, variables, type, nodes)) {
      const name = fieldNodes[0].name.value;
      const def = name.startsWith('__') ? undefined : type.getFields()[name];
      if (!def) continue;
      const coordinate = `${type.name}.${name}`;
      const policies = classOf(coordinate, inherited);
      const p = [...path, key];
      const code = fieldNodes.some((n) => removed.has(n)) ? 'FORBIDDEN' : (refusal.byCoordinate.get(coordinate) ?? refusal.first);
      record(subject, coordinate, 'DENIED', code, p, policies);
      const next = getNamedType(def.type);
      if (isObjectType(next)) refuseSelection(next, fieldNodes, p, subject, refusal, policies);
    }
  }

  function walkValue(
    type: GraphQLOutputType,
    nodes: readonly FieldNode[],
    value: unknown,
    path: Path,
    subject: string | null,
    coordinate: string,
    policies: AccessPolicies | undefined,
    hint: (index: number | null) => string | null,
  ): unknown {
    const named = getNamedType(type);
    const objectType = isObjectType(named) ? named : null;
    if (value === null || value === undefined) {
      const owner = objectType?.name === SUBJECT_TYPE ? hint(typeof path[path.length - 1] === 'number' ? (path[path.length - 1] as number) : null) : subject;
      const refusal = denialsUnder(path, objectType, nodes);
      if (refusal) {
        record(subject, coordinate, 'DENIED', refusal.byCoordinate.get(coordinate) ?? refusal.first, path, policies);
        if (objectType) refuseSelection(objectType, nodes, path, owner, refusal, policies);
      } else if (errorsUnder(path).length === 0) {
        // Null without any error: delivered as "no record" (e.g. customs for most subjects).
        record(subject, coordinate, 'GRANTED', '', path, policies);
      }
      return null;
    }
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      if (!Array.isArray(value)) return value;
      record(subject, coordinate, 'GRANTED', '', path, policies);
      return value.map((item, i) => walkValue(inner.ofType, nodes, item, [...path, i], subject, coordinate, policies, hint));
    }
    if (isLeafType(named)) {
      record(subject, coordinate, 'GRANTED', '', path, policies);
      return value;
    }
    if (!objectType) return value;
    record(subject, coordinate, 'GRANTED', '', path, policies);
    const obj = value as Record<string, unknown>;
    const own = objectType.name === SUBJECT_TYPE ? (typeof obj[AUDIT_USCC_ALIAS] === 'string' ? (obj[AUDIT_USCC_ALIAS] as string) : hint(null)) : subject;
    return walkObject(objectType, collectSubfields(schema, fragments, variables, objectType, nodes), obj, path, own, policies);
  }

  function walkObject(
    type: GraphQLObjectType,
    fields: Map<string, readonly FieldNode[]>,
    obj: Record<string, unknown>,
    path: Path,
    subject: string | null,
    inherited: AccessPolicies | undefined,
    rootHints?: Map<string, (i: number | null) => string | null>,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, nodes] of fields) {
      const name = nodes[0].name.value;
      const p = [...path, key];
      if (name === '__typename') {
        out[key] = obj[key] ?? type.name;
        continue;
      }
      // Introspection (__schema, __type) is about the graph, not a subject: passed through.
      if (name.startsWith('__')) {
        out[key] = obj[key];
        continue;
      }
      const def = type.getFields()[name];
      if (!def) continue;
      const coordinate = `${type.name}.${name}`;
      const policies = classOf(coordinate, inherited);
      if (nodes.some((n) => removed.has(n))) {
        out[key] = null;
        const reason = requirement(policies ?? []);
        added.push(clientError('FORBIDDEN', `Not authorized to read ${coordinate}: ${reason}`, { reason }, { path: p }));
        record(subject, coordinate, 'DENIED', 'FORBIDDEN', p, policies);
        const next = getNamedType(def.type);
        if (isObjectType(next)) refuseSelection(next, nodes, p, subject, { first: 'FORBIDDEN', byCoordinate: new Map() }, policies);
        continue;
      }
      const hint = rootHints?.get(key) ?? (() => subject);
      out[key] = walkValue(def.type, nodes, obj[key], p, subject, coordinate, policies, hint);
    }
    return out;
  }

  const rootType = schema.getRootType(input.operation.operation);
  if (!rootType) return { data: input.data, errors: [...(input.errors ?? []), ...added], outcomes };
  const rootFields = collectFields(schema, fragments, variables, rootType, input.operation.selectionSet);
  // Subjects that come back null are attributed through the root field's arguments.
  const rootHints = new Map<string, (i: number | null) => string | null>();
  for (const [key, nodes] of rootFields) {
    const def = rootType.getFields()[nodes[0].name.value];
    if (!def) continue;
    let args: Record<string, unknown> = {};
    try {
      args = getArgumentValues(def, nodes[0], variables);
    } catch (e) {
      if (!(e instanceof GraphQLError)) throw e;
    }
    rootHints.set(key, (i) => {
      if (typeof args.uscc === 'string') return args.uscc;
      if (Array.isArray(args.usccs) && i !== null && typeof args.usccs[i] === 'string') return args.usccs[i] as string;
      return null;
    });
  }
  // A null `data` (a non-null root field failed) still has its refusals recorded.
  const walked = walkObject(rootType, rootFields, input.data ?? {}, [], null, undefined, rootHints);
  const data = input.data === null || input.data === undefined ? input.data : walked;

  // Root fields that are not subjects (audit trail, consents, consent mutations) are recorded
  // once each: reading the trail is itself audited.
  for (const [key, nodes] of rootFields) {
    const def = rootType.getFields()[nodes[0].name.value];
    if (!def || getNamedType(def.type).name === SUBJECT_TYPE || def.name.startsWith('__')) continue;
    const coordinate = `${rootType.name}.${def.name}`;
    let args: Record<string, any> = {};
    try {
      args = getArgumentValues(def, nodes[0], variables);
    } catch (e) {
      if (!(e instanceof GraphQLError)) throw e;
    }
    // input.uscc: the loop's mutations (fileObjection, decideObjection, applyForRepair, …)
    const subject = [args.uscc, args.filter?.uscc, args.input?.subject, args.input?.uscc].find((v) => typeof v === 'string') ?? null;
    const denial = (errorsByPath.get(pathKey([key])) ?? []).find((e) => DENIAL_CODES.has(String(e.extensions?.code)));
    if (!denial && (data === null || data === undefined)) continue; // nothing was delivered
    outcomes.push({
      subject,
      coordinate,
      decision: denial ? 'DENIED' : 'GRANTED',
      reason: denial ? String(denial.extensions?.code) : '',
      path: [key],
      publicClass: true,
      financing: false,
    });
  }
  const subjectAt = (path: Path) => (path.length <= 2 ? (rootHints.get(String(path[0]))?.(typeof path[1] === 'number' ? path[1] : null) ?? null) : null);
  const repointed = repointErrors({ errors: input.errors ?? [], selectedPrefix: (path) => selectedPrefix(shape, { type: rootType, fields: rootFields }, path), subjectAt });
  return { data, errors: [...repointed, ...added], outcomes };
}
