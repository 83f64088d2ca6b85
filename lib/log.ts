import pino, { type DestinationStream, type Level } from 'pino';
import { LOG_LEVELS } from './config';
import { currentScope } from './observability/requestScope';
import { activeTraceId } from './observability/spans';

/**
 * The services' log: pino, one JSON line per event on stderr, searchable by field. Every line
 * written during a request carries its `requestId` and, with tracing on, its `traceId`, so a line
 * leads to the audit entries and to the trace. Never sent to clients.
 *
 * No personal data or tokens (个人信息保护法; a log outlives its request): header values that
 * authenticate are redacted by path, and as a last guard every line is scrubbed of anything
 * shaped like a JWT or a citizen ID number (18 characters: region, birth date, sequence, check),
 * whatever field or message it came in — a legacy value quoted in an error, say.
 */

const JWT = /eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/g;
const CITIZEN_ID = /(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;

export function scrub(line: string): string {
  return line.replace(JWT, '[token]').replace(CITIZEN_ID, '[citizen-id]');
}

/** Where lines go: process.stderr (synchronous for files and pipes), or a test's capture (captureLogs). */
const STDERR: DestinationStream = { write: (line: string) => process.stderr.write(line) };
let destination: DestinationStream = STDERR;

export const logger = pino(
  {
    // checked at start with the rest of the configuration (one line naming it); an unknown one never reaches pino
    level: (LOG_LEVELS as readonly string[]).includes(process.env.LOG_LEVEL ?? '') ? process.env.LOG_LEVEL! : 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-credit-internal-token"]', 'headers.authorization', 'token'],
      censor: '[redacted]',
    },
    mixin() {
      const requestId = currentScope()?.requestId;
      const traceId = activeTraceId();
      return { ...(requestId ? { requestId } : {}), ...(traceId ? { traceId } : {}) };
    },
    hooks: { streamWrite: scrub },
  },
  { write: (line: string) => destination.write(line) },
);

/** For tests: every line goes to `write` (and the level is `level`) until the returned function is called. */
export function captureLogs(write: (line: string) => void, level: Level = logger.level as Level): () => void {
  const previous = { destination, level: logger.level };
  destination = { write };
  logger.level = level;
  return () => {
    destination = previous.destination;
    logger.level = previous.level;
  };
}

export interface ErrorLogEntry {
  event: string;
  [field: string]: unknown;
}

/** What a thrown value says: an Error's name, message and stack (and its cause), else the value itself. */
export function describeError(thrown: unknown): Record<string, unknown> {
  if (thrown instanceof Error) {
    const cause = (thrown as { cause?: unknown }).cause;
    return { name: thrown.name, message: thrown.message, stack: thrown.stack, ...(cause !== undefined ? { cause: describeError(cause) } : {}) };
  }
  try {
    // a plain object, e.g. a subgraph's formatted error as the gateway passes it on
    return { value: JSON.parse(JSON.stringify(thrown) ?? 'null') };
  } catch {
    return { value: String(thrown) };
  }
}

export function logError(entry: ErrorLogEntry): void {
  logger.error(entry);
}

export function logWarning(entry: ErrorLogEntry): void {
  logger.warn(entry);
}
