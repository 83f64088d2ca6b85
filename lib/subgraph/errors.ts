import { GraphQLError } from 'graphql';
import type { Department } from '../config';
import { describeError, logError } from '../log';
import { DEPARTMENT_TABLE, departmentConstant } from '../departments';

/**
 * Request-time errors a client may see (SPEC §6). Anything else raised in a subgraph is masked to
 * a bare INTERNAL_SERVER_ERROR by `maskError`, so no stack, legacy body or URL escapes.
 */

/** Thrown by legacy clients; carries the department but never the upstream body or URL. */
export class DepartmentUnavailableError extends Error {
  constructor(
    readonly department: Department,
    /** internal reason for logs only */
    readonly reason: string,
  ) {
    super(`${department} system unavailable: ${reason}`);
    this.name = 'DepartmentUnavailableError';
  }
}

/**
 * One record of an answer that its adapter's parser refused (a date like 20231345, an amount that
 * is not one, an unknown status code, a missing field): the department's failure, for the subject
 * that record is about. `record` is the department's own identifier of it, for the logs.
 */
export class MalformedRecordError extends DepartmentUnavailableError {
  constructor(
    department: Department,
    readonly record: string,
    readonly problem: string,
  ) {
    super(department, `malformed record ${record}: ${problem}`);
    this.name = 'MalformedRecordError';
  }
}

const lastLogged = new Map<string, number>();

/**
 * Server-side trace of why a department failed (never sent to clients), at most once a second per
 * department — and per malformed record, so an outage cannot hide which record was refused.
 */
export function logDepartmentFailure(error: DepartmentUnavailableError): void {
  const now = Date.now();
  const key = error instanceof MalformedRecordError ? `${error.department} ${error.record}` : error.department;
  if (now - (lastLogged.get(key) ?? 0) < 1000) return;
  lastLogged.set(key, now);
  process.stderr.write(`${error.message}\n`);
}

export function departmentUnavailable(department: Department): GraphQLError {
  return new GraphQLError(`The ${DEPARTMENT_TABLE[department].displayName} system is unavailable; this section could not be fetched.`, {
    extensions: { code: 'DEPARTMENT_UNAVAILABLE', department: departmentConstant(department) },
  });
}

export const CLIENT_ERROR_CODES = new Set([
  'BAD_USER_INPUT',
  'FORBIDDEN',
  'CONSENT_REQUIRED',
  'DEPARTMENT_UNAVAILABLE',
  'QUERY_TOO_COMPLEX',
  'SERVICE_BUSY',
  'UNAUTHENTICATED',
  'AUDIT_UNAVAILABLE',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

const SAFE_EXTENSION_KEYS = ['code', 'department', 'reason', 'consentId', 'limit', 'rule'];

/** Apollo `formatError`: keep the codes of SPEC §6, replace everything else by a bare internal error. */
export function maskError(formatted: import('graphql').GraphQLFormattedError, error: unknown): import('graphql').GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
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
  return {
    message: 'Internal error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
