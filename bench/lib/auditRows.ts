import os from 'node:os';
import { Client } from 'pg';

/**
 * Audit entries the gateway committed in a time window, read from the ledger's own table. Each
 * gateway process writes its own chain, `<hostname>:<pid>:<random>` (lib/audit/AuditLedger.ts),
 * so counting by chain and `at` sees only the benchmarked gateway, even in a shared database.
 */

export interface AuditWindowCount {
  entries: number;
  seconds: number;
  entriesPerSecond: number;
}

export async function auditEntriesBetween(databaseUrl: string, gatewayPid: number, from: Date, to: Date): Promise<AuditWindowCount> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM audit_entries WHERE chain_id LIKE $1 AND at >= $2 AND at < $3', [
      `${os.hostname()}:${gatewayPid}:%`,
      from,
      to,
    ]);
    const entries = Number(rows[0]?.n ?? 0);
    const seconds = (to.getTime() - from.getTime()) / 1000;
    return { entries, seconds, entriesPerSecond: Math.round((entries / seconds) * 10) / 10 };
  } finally {
    await client.end();
  }
}
