import { GraphQLError } from 'graphql';
import type { Department } from './departments';
import { logWarning } from './log';

/**
 * Every error code a client can read in `extensions.code`, listed once, with where it travels:
 * - `response`: in a GraphQL response; `maskError` passes it and the message through unchanged;
 * - `http`: only as an HTTP refusal before GraphQL runs (HttpError); inside a GraphQL response it
 *   would be someone's mistake, and is masked like any unknown code;
 * - `masked`: what every other error becomes (details in the server log only).
 * The client list of `maskError` is derived from this table, so a new code cannot be thrown
 * without being listed (ErrorCode is its keys) nor listed without saying whether clients see it.
 */
export const ERROR_CODES = {
  // SPEC §6
  BAD_USER_INPUT: 'response',
  UNAUTHENTICATED: 'response',
  FORBIDDEN: 'response',
  CONSENT_REQUIRED: 'response',
  DEPARTMENT_UNAVAILABLE: 'response',
  QUERY_TOO_COMPLEX: 'response',
  AUDIT_UNAVAILABLE: 'response',
  RATE_LIMITED: 'http',
  // the platform's own: admission control's 503
  SERVICE_BUSY: 'response',
  // the platform's own: a workflow step that contradicts the case's state (issue 12: a second
  // open objection on one record, a decision on a case already decided)
  CONFLICT: 'response',
  // graphql-js's and Apollo Server's own
  GRAPHQL_PARSE_FAILED: 'response',
  GRAPHQL_VALIDATION_FAILED: 'response',
  PERSISTED_QUERY_NOT_FOUND: 'response',
  PERSISTED_QUERY_NOT_SUPPORTED: 'response',
  OPERATION_RESOLUTION_FAILURE: 'response',
  BAD_REQUEST: 'response',
  // the HTTP face (lib/http/serveGraphQL.ts)
  PAYLOAD_TOO_LARGE: 'http',
  UNSUPPORTED_MEDIA_TYPE: 'http',
  NOT_FOUND: 'http',
  METHOD_NOT_ALLOWED: 'http',
  INTERNAL_SERVER_ERROR: 'masked',
} as const satisfies Record<string, 'response' | 'http' | 'masked'>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes `maskError` lets through with their message. */
export const RESPONSE_CODES: ReadonlySet<string> = new Set(
  (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => ERROR_CODES[code] === 'response'),
);

export interface ClientErrorOptions {
  /** where in the response the error is reported */
  path?: readonly (string | number)[];
}

/** A GraphQLError a client may read: the code is checked by the type system, never a loose string. */
export function clientError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}, options: ClientErrorOptions = {}): GraphQLError {
  return new GraphQLError(message, { path: options.path, extensions: { ...extensions, code } });
}

/** For exhaustive switches: the type check fails when a case is missing, the run when a value is unexpected. */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`Unreachable case: ${JSON.stringify(value)}`);
    this.name = 'UnreachableCaseError';
  }
}

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
  logWarning({ event: 'department unavailable', department: error.department, message: error.message });
}

/** The audit ledger could not commit: the gateway then serves PUBLIC data only (SPEC §6, fail closed). */
export class AuditUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditUnavailable';
  }
}
