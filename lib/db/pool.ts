import { Pool, type PoolConfig } from 'pg';
import { describeError, logWarning } from '../log';

/**
 * PostgreSQL pool for consents and the audit ledger. Every process speaks to PostgreSQL over the
 * wire protocol through `pg`: in production a real server; by default (`npm start`, no
 * DATABASE_URL) one embedded PGlite served by `lib/db/embeddedPostgres.ts` (see README).
 */
export function createPool(databaseUrl: string, options: Partial<PoolConfig> = {}): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max: 10, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 3000, ...options });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (e) => logWarning({ event: 'postgres pool error', error: describeError(e) }));
  return pool;
}
