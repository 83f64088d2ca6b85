import type { Pool, PoolClient } from 'pg';
import type { LedgerKey } from './LedgerKey';

/**
 * The audit ledger's tables (SPEC §8). Entries are range-partitioned by month on `at`, so
 * retention drops whole partitions and never rewrites a row. Each gateway process writes its own
 * hash chain (`chain_id`), numbered by `seq`; `audit_anchors` keeps, for every dropped partition,
 * the last hash it held per chain, MACed under the ledger key (a copied hash is no anchor), so the
 * rest still verifies after old months are gone;
 * `audit_chains` holds each chain's head, written in the same statement as its entries, so a
 * removed last entry is detected too.
 */

export const RETENTION_MONTHS_MINIMUM = 6;

export async function migrateAudit(db: Pool | PoolClient): Promise<void> {
  await db.query(`
    CREATE TABLE IF NOT EXISTS audit_entries (
      chain_id text NOT NULL,
      seq bigint NOT NULL,
      at timestamptz NOT NULL,
      request_id text NOT NULL,
      consumer_id text NOT NULL,
      consumer_org text NOT NULL,
      consumer_role text NOT NULL,
      purpose text,
      subject text,
      field text NOT NULL,
      decision text NOT NULL CHECK (decision IN ('GRANTED', 'DENIED')),
      reason text,
      consent_id text,
      operation_name text,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      PRIMARY KEY (at, chain_id, seq)
    ) PARTITION BY RANGE (at);
    CREATE INDEX IF NOT EXISTS audit_by_subject ON audit_entries (subject, at DESC);
    CREATE INDEX IF NOT EXISTS audit_by_org ON audit_entries (consumer_org, at DESC);
    CREATE INDEX IF NOT EXISTS audit_by_field ON audit_entries (field, at DESC);
    CREATE INDEX IF NOT EXISTS audit_by_chain ON audit_entries (chain_id, seq);
    CREATE INDEX IF NOT EXISTS audit_by_request ON audit_entries (request_id);
    CREATE TABLE IF NOT EXISTS audit_chains (
      chain_id text PRIMARY KEY,
      last_seq bigint NOT NULL,
      last_hash text NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE TABLE IF NOT EXISTS audit_anchors (
      chain_id text NOT NULL,
      seq bigint NOT NULL,
      hash text NOT NULL,
      partition_name text NOT NULL,
      dropped_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (chain_id, seq)
    );
    ALTER TABLE audit_anchors ADD COLUMN IF NOT EXISTS mac text;
  `);
}

function monthStart(d: Date, offset = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
}

export function partitionName(monthStartDate: Date): string {
  return `audit_entries_${monthStartDate.getUTCFullYear()}${String(monthStartDate.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Creates the monthly partitions from `monthsBack` ago to `monthsAhead` ahead (idempotent). */
export async function ensurePartitions(db: Pool | PoolClient, now = new Date(), monthsBack = 1, monthsAhead = 2): Promise<void> {
  for (let i = -monthsBack; i <= monthsAhead; i++) {
    const from = monthStart(now, i);
    const to = monthStart(now, i + 1);
    await db.query(
      `CREATE TABLE IF NOT EXISTS ${partitionName(from)} PARTITION OF audit_entries FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
    );
  }
}

export interface RetentionOptions {
  /** months of entries kept; at least 6 (网络安全法) */
  retentionMonths: number;
  /** MACs the anchors, so nobody without it can anchor a chain whose first entries they removed */
  key: LedgerKey;
  now?: Date;
}

/**
 * Drops the partitions whose whole month is older than `retentionMonths`, recording per chain the
 * last hash each held (keyed) so verification of the rest still anchors.
 */
export async function dropExpiredPartitions(pool: Pool, options: RetentionOptions): Promise<string[]> {
  const { retentionMonths, key, now = new Date() } = options;
  if (!Number.isInteger(retentionMonths) || retentionMonths < RETENTION_MONTHS_MINIMUM) {
    throw new Error(`retentionMonths must be a whole number ≥ ${RETENTION_MONTHS_MINIMUM}, got ${retentionMonths}`);
  }
  const cutoff = monthStart(now, -retentionMonths);
  const { rows } = await pool.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = 'audit_entries' AND p.relnamespace = c.relnamespace
        AND pg_table_is_visible(p.oid)`,
  );
  const dropped: string[] = [];
  for (const { name, bound } of rows) {
    const m = /TO \('([^']+)'\)/.exec(bound);
    if (!m || new Date(m[1]) > cutoff) continue;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const lasts = await client.query<{ chain_id: string; seq: string; hash: string }>(
        `SELECT DISTINCT ON (chain_id) chain_id, seq, hash FROM ${name} ORDER BY chain_id, seq DESC`,
      );
      for (const r of lasts.rows) {
        const mac = key.anchor({ chainId: r.chain_id, seq: Number(r.seq), hash: r.hash });
        await client.query(
          `INSERT INTO audit_anchors (chain_id, seq, hash, partition_name, mac) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [r.chain_id, r.seq, r.hash, name, mac],
        );
      }
      await client.query(`DROP TABLE ${name}`);
      await client.query('COMMIT');
      dropped.push(name);
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
  }
  return dropped;
}
