import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../db/transaction';
import { metrics } from '../observability/metrics';
import { ConsentCache, type CacheKey } from './consentCache';

/**
 * Consents of subjects to banks (SPEC §5), durable in PostgreSQL. The platform subgraph writes
 * them; every department subgraph reads them to decide FINANCING fields, one batched query per
 * request however many subjects it holds.
 *
 * Cache (Redis only; without REDIS_URL every check reads PostgreSQL, since an in-process cache in
 * one process could not be invalidated by a revocation in another): one key per
 * (grantee, purpose, subject) holding the active consent id or "-". Writers SET the new state on
 * grant and revoke; readers only fill absent keys (SET NX), so a reader that raced a revocation
 * cannot put the old state back. TTLs never outlive the consent's expiry.
 *
 * A cache write can fail while Redis keeps its data (a partition, a persisted Redis restarted, a
 * Sentinel failover): the old ACTIVE entry would then be served after a revocation. So every
 * grant/revoke writes a repair row (consent_cache_repairs) in the same transaction as the consent,
 * sets the key under that row's lock and deletes the row only once Redis took it: a failed write
 * or a crash in between leaves the row. The cache is trusted only while no repair row exists:
 * one indexed EXISTS beside each check's MGET (two round trips in parallel) — the only way a
 * replica that never saw Redis fail can learn that another one did. A store also distrusts the
 * cache from startup and after any Redis error it sees; untrusted, it reads PostgreSQL only and
 * fills nothing until it has applied every repair row to Redis.
 */

export type ConsentStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

export interface Consent {
  id: string;
  subject: string;
  grantee: string;
  purpose: string;
  grantedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  status: ConsentStatus;
}

interface Row {
  id: string;
  subject: string;
  grantee: string;
  purpose: string;
  granted_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

function toConsent(row: Row, now = new Date()): Consent {
  const status: ConsentStatus = row.revoked_at ? 'REVOKED' : row.expires_at <= now ? 'EXPIRED' : 'ACTIVE';
  return {
    id: row.id,
    subject: row.subject,
    grantee: row.grantee,
    purpose: row.purpose,
    grantedAt: row.granted_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    status,
  };
}

export class ConsentStore {
  private readonly cache: ConsentCache;

  constructor(
    private readonly pool: Pool,
    redis: Redis | null,
  ) {
    this.cache = new ConsentCache(pool, redis);
  }

  /** Creates the table (idempotent); called by the owner, the platform, at start. */
  async migrate(): Promise<void> {
    await this.pool.query(`
      CREATE TABLE IF NOT EXISTS consents (
        id uuid PRIMARY KEY,
        subject char(18) NOT NULL,
        grantee text NOT NULL,
        purpose text NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CHECK (expires_at > granted_at)
      );
      CREATE INDEX IF NOT EXISTS consents_lookup ON consents (grantee, purpose, subject);
      CREATE INDEX IF NOT EXISTS consents_subject ON consents (subject, granted_at DESC);
      CREATE TABLE IF NOT EXISTS consent_cache_repairs (
        grantee text NOT NULL,
        purpose text NOT NULL,
        subject text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (grantee, purpose, subject)
      );
    `);
  }

  async grant(input: { subject: string; grantee: string; purpose: string; expiresAt: Date }): Promise<Consent> {
    const row = await this.change((db) =>
      db.query<Row>(`INSERT INTO consents (id, subject, grantee, purpose, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING *`, [
        randomUUID(),
        input.subject,
        input.grantee,
        input.purpose,
        input.expiresAt,
      ]),
    );
    return toConsent(row!);
  }

  /** Revokes; the very next check anywhere sees it (the cache key is set, or a repair row stays). */
  async revoke(id: string): Promise<Consent | null> {
    const row = await this.change((db) => db.query<Row>(`UPDATE consents SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *`, [id]));
    return row ? toConsent(row) : null;
  }

  /** Writes a consent change and its repair row in one transaction, then repairs that key. */
  private async change(write: (db: PoolClient) => Promise<{ rows: Row[] }>): Promise<Row | undefined> {
    let key: CacheKey | undefined;
    const row = await inTransaction(this.pool, async (db) => {
      const written = (await write(db)).rows[0];
      if (written) key = await this.cache.recordRepair(db, written);
      return written;
    });
    if (key) await this.cache.repairKey(key);
    return row;
  }

  async byId(id: string): Promise<Consent | null> {
    const { rows } = await this.pool.query<Row>(`SELECT * FROM consents WHERE id = $1`, [id]);
    return rows[0] ? toConsent(rows[0]) : null;
  }

  async forSubject(subject: string, grantee?: string): Promise<Consent[]> {
    const { rows } = grantee
      ? await this.pool.query<Row>(`SELECT * FROM consents WHERE subject = $1 AND grantee = $2 ORDER BY granted_at DESC, id`, [subject, grantee])
      : await this.pool.query<Row>(`SELECT * FROM consents WHERE subject = $1 ORDER BY granted_at DESC, id`, [subject]);
    const now = new Date();
    return rows.map((r) => toConsent(r, now));
  }

  /**
   * The grantee's ACTIVE consent id per subject (absent: none), for many subjects at once:
   * one MGET to Redis, one query for the misses.
   */
  async activeConsents(grantee: string, purpose: string, subjects: readonly string[]): Promise<Map<string, string>> {
    const active = await this.cache.lookUpActive(grantee, purpose, subjects);
    metrics.consentChecks.inc({ result: 'active' }, active.size);
    metrics.consentChecks.inc({ result: 'none' }, subjects.length - active.size);
    return active;
  }
}
