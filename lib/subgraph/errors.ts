import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Department } from '../config';
import { describeError, logError } from '../log';
import { DEPARTMENT_TABLE, departmentConstant } from '../departments';
import { DepartmentUnavailableError, RESPONSE_CODES, clientError } from '../errors';

// The department's errors live in lib/errors.ts (lib/legacy throws them); re-exported for the adapters.
export { DepartmentUnavailableError, MalformedRecordError, logDepartmentFailure } from '../errors';

/**
 * Request-time errors a client may see (SPEC §6). Anything else raised in a subgraph is masked to
 * a bare INTERNAL_SERVER_ERROR by `maskError`, so no stack, legacy body or URL escapes.
 */

export function departmentUnavailable(department: Department): GraphQLError {
  return clientError('DEPARTMENT_UNAVAILABLE', `The ${DEPARTMENT_TABLE[department].displayName} system is unavailable; this section could not be fetched.`, {
    department: departmentConstant(department),
  });
}

const SAFE_EXTENSION_KEYS = ['code', 'department', 'reason', 'consentId', 'limit', 'rule'];

/** Apollo `formatError`: keep the codes of SPEC §6, replace everything else by a bare internal error. */
export function maskError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && RESPONSE_CODES.has(code)) {
    // Only whitelisted extensions travel: a gateway-side error may carry the subgraph's URL and body.
    const extensions: Record<string, unknown> = {};
    for (const key of SAFE_EXTENSION_KEYS) {
      if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
    }
    return { message: formatted.message, path: formatted.path, locations: formatted.locations, extensions };
  }
  const original = (error as { originalError?: unknown })?.originalError ?? error;
  if (original instanceof DepartmentUnavailableError) {
    const e = departmentUnavailable(original.department);
    return { message: e.message, path: formatted.path, locations: formatted.locations, extensions: e.extensions };
  }
  // The detail stays in the server log, never in the response.
  logError({
    event: 'masked internal error',
    code: formatted.extensions?.code ?? null,
    message: formatted.message,
    path: formatted.path ?? null,
    ...(typeof formatted.extensions?.serviceName === 'string' ? { subgraph: formatted.extensions.serviceName } : {}),
    error: describeError(original),
  });
  return { ...clientError('INTERNAL_SERVER_ERROR', 'Internal error').toJSON(), path: formatted.path, locations: formatted.locations };
}
