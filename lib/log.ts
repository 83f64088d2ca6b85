/**
 * Server-side error log: one JSON line per event on stderr, so a log pipeline can search it by
 * field, and a thrown value that is not an Error is written out rather than as `[object Object]`.
 * Never sent to clients.
 */

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
  process.stderr.write(`${JSON.stringify({ level: 'error', at: new Date().toISOString(), ...entry })}\n`);
}
