import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { AccessMap } from '../lib/authz/accessPolicies';
import { AuditUnavailable, clientError } from '../lib/errors';
import type { GatewayContext } from './context';
import { rewriteOperation, roleClass, type RewrittenOperation } from './operationRewrite';
import type { GatewayPlugin } from './plugin';
import { walkResult, type FieldOutcome, type Path } from './resultWalk';

/**
 * Wraps the gateway's executor with the field-level concerns that need the whole operation:
 * static refusal before planning (operationRewrite), then one walk of the result that restores
 * the client's shape, answers refused fields, points every error at a path the client selected,
 * and hands every Subject field's outcome to the audit ledger, which must commit before the
 * response is released (SPEC §8).
 */

export interface FieldAccessOptions {
  access: AccessMap;
  /** commits the outcomes; rejects with AuditUnavailable when the ledger cannot be written */
  commit(outcomes: FieldOutcome[], request: GatewayGraphQLRequestContext<GatewayContext>): Promise<void>;
  /** most rewritten operations kept (per document and role class) */
  cacheSize?: number;
}

const DEFAULT_CACHE_SIZE = 2000;

function setAtPath(data: Record<string, unknown>, path: Path, value: unknown): void {
  let node: any = data;
  for (let i = 0; i < path.length - 1; i++) {
    node = node?.[path[i]];
    if (node === null || node === undefined) return;
  }
  if (node) node[path[path.length - 1]] = value;
}

function isUnder(path: Path, ancestor: Path): boolean {
  return ancestor.length <= path.length && ancestor.every((s, i) => path[i] === s);
}

export function useFieldAccess(options: FieldAccessOptions): GatewayPlugin {
  const cache = new Map<string, RewrittenOperation>();
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;

  function rewritten(rc: GatewayGraphQLRequestContext<GatewayContext>): RewrittenOperation {
    const key = `${rc.queryHash}:${rc.operationName ?? ''}:${roleClass(rc.context.consumer)}`;
    let hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    hit = rewriteOperation(rc.schema, rc.document, options.access, rc.context.consumer);
    cache.set(key, hit);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    return hit;
  }

  function wrap(executor: GatewayExecutor): GatewayExecutor {
    return async (requestContext) => {
      const rc = requestContext as GatewayGraphQLRequestContext<GatewayContext>;
      const op = rewritten(rc);
      const result = await executor({ ...rc, document: op.document, queryHash: op.queryHash } as GatewayGraphQLRequestContext);
      const errors = (result.errors ?? []) as unknown as GraphQLFormattedError[];
      const walked = walkResult({
        schema: rc.schema,
        document: rc.document,
        operation: rc.operation,
        variables: rc.request.variables ?? {},
        data: result.data,
        errors,
        removed: op.removed,
        access: options.access,
      });
      const allErrors: (GraphQLFormattedError | GraphQLError)[] = [...walked.errors];
      let data = walked.data;
      try {
        await options.commit(walked.outcomes, rc);
      } catch (e) {
        if (!(e instanceof AuditUnavailable)) throw e;
        // Fail closed: without a ledger entry only PUBLIC data may leave (SPEC §6).
        const withheld: Path[] = [];
        for (const o of walked.outcomes) {
          if (o.decision !== 'GRANTED' || o.publicClass) continue;
          if (withheld.some((w) => isUnder(o.path, w))) continue;
          withheld.push(o.path);
        }
        for (const path of withheld) {
          if (data) setAtPath(data, path, null);
          allErrors.push(clientError('AUDIT_UNAVAILABLE', 'The audit ledger is unavailable; only PUBLIC data can be served', {}, { path }));
        }
        data = data ?? null;
      }
      return { ...result, data, errors: allErrors.length > 0 ? (allErrors as never) : undefined };
    };
  }

  return { name: 'fieldAccess', onExecute: wrap };
}
