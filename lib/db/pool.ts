import { Pool, type PoolConfig } from 'pg';
import { describeError, logWarning } from '../log';

export interface PoolBehaviour {
  /**
   * Tries a query once more when no connection could be opened within `connectionTimeoutMillis`
   * (the query never reached the server, so any statement may be retried). For the subgraphs,
   * whose reads beside a department's answer (open objections, consents) should ride out a
   * PostgreSQL slow to fork a backend on a loaded machine — seen in CI as `dispute` failing for
   * every record of a 500-subject answer. Not for the gateway's ledger, which fails closed fast.
   */
  retryConnectTimeout?: boolean;
}

/** pg-pool's errors when a new connection was not open in time (none of them ran the query) */
const CONNECT_TIMEOUTS = ['Connection terminated due to connection timeout', 'timeout exceeded when trying to connect'];

export function isConnectTimeout(error: unknown): boolean {
  return error instanceof Error && CONNECT_TIMEOUTS.includes(error.message);
}

/**
 * PostgreSQL pool for consents and the audit ledger. Every process speaks to PostgreSQL over the
 * wire protocol through `pg`: in production a real server; by default (`npm start`, no
 * DATABASE_URL) one embedded PGlite served by `lib/db/embeddedPostgres.ts` (see README).
 */
export function createPool(databaseUrl: string, options: Partial<PoolConfig> = {}, behaviour: PoolBehaviour = {}): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max: 10, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 3000, ...options });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (e) => logWarning({ event: 'postgres pool error', error: describeError(e) }));
  if (behaviour.retryConnectTimeout) {
    // pg's query has callback and promise overloads; only the promise form (all this code uses) is retried
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    pool.query = ((...args: unknown[]) => {
      const first = query(...args);
      if (!(first instanceof Promise)) return first;
      return first.catch((e: unknown) => {
        if (!isConnectTimeout(e)) throw e;
        logWarning({ event: 'postgres connect timed out, retrying once', error: describeError(e) });
        return query(...args);
      });
    }) as Pool['query'];
  }
  return pool;
}
