import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Pool, PoolClient } from 'pg';
import { UnreachableCaseError } from '../errors';
import { inTransaction } from '../loop/loopSchema';
import { metrics } from '../observability/metrics';

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

export const CONSENT_CACHE_TTL_SECONDS = 60;
const NONE = '-';

/** One cache key's coordinates. */
interface CacheKey {
  grantee: string;
  purpose: string;
  subject: string;
}

/**
 * Whether the Redis cache may answer. 'repairing' holds the repair in flight, so concurrent
 * checks wait for it rather than start another.
 */
type CachePhase = { phase: 'untrusted' } | { phase: 'repairing'; done: Promise<void> } | { phase: 'trusted' };

function ttlUntil(expiresAt: Date, now = Date.now()): number {
  return Math.min(CONSENT_CACHE_TTL_SECONDS, Math.floor((expiresAt.getTime() - now) / 1000));
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
  private cache: CachePhase = { phase: 'untrusted' };
  /** Bumped on every Redis error: a repair that raced one must not restore trust. */
  private redisErrors = 0;

  constructor(
    private readonly pool: Pool,
    private readonly redis: Redis | null,
  ) {
    // A dropped connection may have lost writes this store never heard about failing.
    for (const event of ['error', 'close', 'end']) redis?.on(event, () => this.distrust());
  }

  private distrust(): void {
    this.redisErrors += 1;
    this.cache = { phase: 'untrusted' };
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

  private key(grantee: string, purpose: string, subject: string): string {
    return `consent:${purpose}:${grantee}:${subject}`;
  }

  /** Fills an absent key (SET NX): a reader that raced a revocation cannot put the old state back. */
  private async fillCache(key: CacheKey, value: string, ttlSeconds: number): Promise<void> {
    if (!this.redis || ttlSeconds <= 0) return;
    try {
      await this.redis.set(this.key(key.grantee, key.purpose, key.subject), value, 'EX', ttlSeconds, 'NX');
    } catch {
      this.distrust();
    }
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

  /**
   * Writes a consent change and its repair row in one transaction, then repairs that key: the
   * row outlives a failed cache write or a crash, and keeps every store off the cache until applied.
   */
  private async change(write: (db: PoolClient) => Promise<{ rows: Row[] }>): Promise<Row | undefined> {
    let key: CacheKey | undefined;
    const row = await inTransaction(this.pool, async (db) => {
      const written = (await write(db)).rows[0];
      if (written && this.redis) {
        key = { grantee: written.grantee, purpose: written.purpose, subject: written.subject.trim() };
        await db.query(
          `INSERT INTO consent_cache_repairs (grantee, purpose, subject) VALUES ($1, $2, $3)
           ON CONFLICT (grantee, purpose, subject) DO UPDATE SET at = now()`,
          [key.grantee, key.purpose, key.subject],
        );
      }
      return written;
    });
    if (key) await this.repair(key).catch(() => this.distrust());
    return row;
  }

  /**
   * Applies repair rows (one key's, or all) to Redis: under the rows' locks, so a concurrent change
   * to the same key waits and repairs after us, each key is SET to PostgreSQL's state — never
   * deleted, which a reader's stale SET NX could refill — and the rows go once Redis has them all.
   */
  private async repair(only: CacheKey | 'all'): Promise<void> {
    const redis = this.redis;
    if (!redis) return;
    await inTransaction(this.pool, async (db) => {
      const { rows } =
        only === 'all'
          ? await db.query<CacheKey>(`SELECT grantee, purpose, subject FROM consent_cache_repairs ORDER BY grantee, purpose, subject FOR UPDATE`)
          : await db.query<CacheKey>(`SELECT grantee, purpose, subject FROM consent_cache_repairs WHERE grantee = $1 AND purpose = $2 AND subject = $3 FOR UPDATE`, [
              only.grantee,
              only.purpose,
              only.subject,
            ]);
      if (rows.length > 0) {
        const writes = redis.pipeline();
        for (const key of rows) {
          const hit = (await this.activeFromDatabase(key.grantee, key.purpose, [key.subject], db)).get(key.subject);
          const ttl = hit ? ttlUntil(hit.expiresAt) : CONSENT_CACHE_TTL_SECONDS;
          if (ttl > 0) writes.set(this.key(key.grantee, key.purpose, key.subject), hit ? hit.id : NONE, 'EX', ttl);
          else writes.set(this.key(key.grantee, key.purpose, key.subject), NONE, 'EX', CONSENT_CACHE_TTL_SECONDS);
        }
        const results = (await writes.exec()) ?? [];
        const failed = results.find(([error]) => error);
        if (failed || results.length !== rows.length) throw failed?.[0] ?? new Error('consent cache repair: pipeline not run');
        await db.query(
          `DELETE FROM consent_cache_repairs r USING unnest($1::text[], $2::text[], $3::text[]) AS k(grantee, purpose, subject)
            WHERE r.grantee = k.grantee AND r.purpose = k.purpose AND r.subject = k.subject`,
          [rows.map((r) => r.grantee), rows.map((r) => r.purpose), rows.map((r) => r.subject)],
        );
      }
    });
  }

  /** Applies every pending repair, then trusts the cache unless Redis failed meanwhile. */
  private async restoreTrust(): Promise<void> {
    if (this.cache.phase === 'repairing') return this.cache.done;
    // Down: fail fast to PostgreSQL rather than wait out a reconnection.
    if (!this.redis || this.redis.status !== 'ready') return;
    const errorsBefore = this.redisErrors;
    const done = this.repair('all').then(
      () => {
        if (this.redisErrors === errorsBefore) this.cache = { phase: 'trusted' };
        else this.cache = { phase: 'untrusted' };
      },
      () => this.distrust(),
    );
    this.cache = { phase: 'repairing', done };
    return done;
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

  private async activeFromDatabase(
    grantee: string,
    purpose: string,
    subjects: readonly string[],
    db: Pool | PoolClient = this.pool,
  ): Promise<Map<string, { id: string; expiresAt: Date }>> {
    const { rows } = await db.query<{ id: string; subject: string; expires_at: Date }>(
      `SELECT DISTINCT ON (subject) id, subject, expires_at FROM consents
        WHERE grantee = $1 AND purpose = $2 AND subject = ANY($3::char(18)[])
          AND revoked_at IS NULL AND expires_at > now()
        ORDER BY subject, expires_at DESC`,
      [grantee, purpose, subjects],
    );
    return new Map(rows.map((r) => [r.subject.trim(), { id: r.id, expiresAt: r.expires_at }]));
  }

  /**
   * The grantee's ACTIVE consent id per subject (absent: none), for many subjects at once:
   * one MGET to Redis, one query for the misses.
   */
  async activeConsents(grantee: string, purpose: string, subjects: readonly string[]): Promise<Map<string, string>> {
    const active = await this.lookUpActive(grantee, purpose, subjects);
    metrics.consentChecks.inc({ result: 'active' }, active.size);
    metrics.consentChecks.inc({ result: 'none' }, subjects.length - active.size);
    return active;
  }

  private async lookUpActive(grantee: string, purpose: string, subjects: readonly string[]): Promise<Map<string, string>> {
    if (!this.redis || subjects.length === 0) return this.fromDatabase(grantee, purpose, subjects);
    switch (this.cache.phase) {
      case 'trusted':
        return this.throughCache(grantee, purpose, subjects);
      case 'untrusted':
      case 'repairing':
        await this.restoreTrust();
        return this.fromDatabase(grantee, purpose, subjects);
      default:
        throw new UnreachableCaseError(this.cache);
    }
  }

  private async fromDatabase(grantee: string, purpose: string, subjects: readonly string[]): Promise<Map<string, string>> {
    const active = await this.activeFromDatabase(grantee, purpose, subjects);
    return new Map([...active].map(([s, hit]) => [s, hit.id]));
  }

  /** One MGET, and beside it the check that no repair is pending anywhere (else PostgreSQL answers). */
  private async throughCache(grantee: string, purpose: string, subjects: readonly string[]): Promise<Map<string, string>> {
    const [pending, cached] = await Promise.all([
      this.pool.query<{ pending: boolean }>(`SELECT EXISTS (SELECT 1 FROM consent_cache_repairs) AS pending`).then(({ rows }) => rows[0]!.pending),
      this.redis!.mget(...subjects.map((s) => this.key(grantee, purpose, s))).catch(() => {
        this.distrust();
        return null;
      }),
    ]);
    if (pending || !cached) {
      if (pending) this.cache = { phase: 'untrusted' };
      await this.restoreTrust();
      return this.fromDatabase(grantee, purpose, subjects);
    }
    const result = new Map<string, string>();
    const misses: string[] = [];
    subjects.forEach((s, i) => {
      const v = cached[i];
      if (v === null || v === undefined) misses.push(s);
      else if (v !== NONE) result.set(s, v);
    });
    if (misses.length === 0) return result;
    const active = await this.activeFromDatabase(grantee, purpose, misses);
    const now = Date.now();
    await Promise.all(
      misses.map((s) => {
        const hit = active.get(s);
        if (hit) result.set(s, hit.id);
        return this.fillCache({ grantee, purpose, subject: s }, hit ? hit.id : NONE, hit ? ttlUntil(hit.expiresAt, now) : CONSENT_CACHE_TTL_SECONDS);
      }),
    );
    return result;
  }
}
