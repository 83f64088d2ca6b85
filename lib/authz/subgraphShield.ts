import type DataLoader from 'dataloader';
import { GraphQLObjectType, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { applyMiddleware, type IMiddlewareTypeMap } from 'graphql-middleware';
import { allow, deny, rule, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import type { Consumer } from '../auth/consumer';
import { clientError } from '../errors';
import type { AccessMap, AccessPolicies } from './accessPolicies';
import { decide, needsConsent } from './decide';

/**
 * Turns the SDL's @access declarations into graphql-shield rules, the same way in every subgraph.
 * Rules run before resolvers, so a refused section never reaches its department's system (data
 * minimization). Per-subject rules (SELF, FINANCING consent) see the subject of the object being
 * resolved: `Subject.uscc`, the `uscc` argument of a root field, or the `__subject` that section
 * resolvers stamp on the objects they return.
 */

export interface AuthorizationContext {
  consumer: Consumer;
  /** subject → the bank's ACTIVE consent id for its token's purpose, batched per request */
  consents: DataLoader<string, string | null>;
  /** consents that granted a field in this request, reported to the gateway for the audit ledger */
  consentsUsed: Map<string, string>;
}

/** Stamped by section resolvers on every object below a Subject that carries classified fields. */
export const SUBJECT_KEY = '__subject';

export function subjectOf(parent: unknown, args: Record<string, unknown>, info: GraphQLResolveInfo): string | null {
  if (info.parentType.name === 'Subject') return (parent as { uscc?: string })?.uscc ?? null;
  if (info.parentType.name === 'Query' || info.parentType.name === 'Mutation') {
    return typeof args.uscc === 'string' ? args.uscc : null;
  }
  const stamped = (parent as Record<string, unknown> | null)?.[SUBJECT_KEY];
  return typeof stamped === 'string' ? stamped : null;
}

function accessRule(coordinate: string, policies: AccessPolicies) {
  return rule(`access:${coordinate}`, { cache: 'no_cache' })(
    async (parent: unknown, args: Record<string, unknown>, ctx: AuthorizationContext, info: GraphQLResolveInfo) => {
      const subject = subjectOf(parent, args, info);
      const consentId = subject && needsConsent(policies, ctx.consumer) ? await ctx.consents.load(subject) : null;
      const decision = decide(policies, { consumer: ctx.consumer, subject, consentId, parent });
      if (decision.granted) {
        if (subject && decision.consentId) ctx.consentsUsed.set(subject, decision.consentId);
        return true;
      }
      // The message says what was refused and why; the gateway may re-point it (resultWalk).
      return clientError(
        decision.code,
        decision.code === 'CONSENT_REQUIRED' ? `${coordinate} ${decision.reason}` : `Not authorized to read ${coordinate}: ${decision.reason}`,
        { reason: decision.reason },
      );
    },
  );
}

/** The rule tree: @access fields get their rule; federation's own entry points are allowed. */
export function buildRules(schema: GraphQLSchema, access: AccessMap): IRules {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields: Record<string, unknown> = {};
    for (const fieldName of Object.keys((type as GraphQLObjectType).getFields())) {
      const policies = access.get(`${type.name}.${fieldName}`);
      if (policies) fields[fieldName] = accessRule(`${type.name}.${fieldName}`, policies);
      // Root fields must declare their access; nested types are reached only through a
      // classified field, so their undeclared fields follow the field that led there.
      else if (type.name !== 'Query' && type.name !== 'Mutation') fields[fieldName] = allow;
    }
    tree[type.name] = fields;
  }
  // The gateway's entry points into a subgraph; the internal token already proved the caller.
  tree.Query = { ...tree.Query, _entities: allow, _service: allow };
  tree._Service = { sdl: allow };
  return tree as IRules;
}

export function applyAuthorization(schema: GraphQLSchema, access: AccessMap): GraphQLSchema {
  const rules = buildRules(schema, access) as Record<string, Record<string, unknown>>;
  const permissions = shield(rules as IRules, {
    fallbackRule: deny,
    fallbackError: clientError('FORBIDDEN', 'Not authorized'),
    // Resolver errors (DEPARTMENT_UNAVAILABLE, BAD_USER_INPUT) pass through unchanged.
    allowExternalErrors: true,
  });
  // graphql-shield wraps every field of the schema, `allow` ones too, in an async middleware: every
  // value of a response became a promise awaited twice. A field whose rule is `allow` goes to its
  // resolver whatever happens, so its wrapper goes: only the fields with a rule of their own, and
  // the root fields refused by the fallback, keep one.
  const middleware = permissions.generate(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, fields] of Object.entries(rules)) {
    for (const [fieldName, rule] of Object.entries(fields)) if (rule === allow) delete middleware[typeName]?.[fieldName];
  }
  return applyMiddleware(schema, middleware as IMiddlewareTypeMap);
}
