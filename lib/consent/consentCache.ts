import type Redis from 'ioredis';
import type { Pool, PoolClient } from 'pg';
import { UnreachableCaseError } from '../errors';
import { inTransaction } from '../db/transaction';

/**
 * The consent cache in Redis and its repair/trust phase (the design is ConsentStore.ts's header):
 * one key per (grantee, purpose, subject) holding the active consent id or "-", repair rows in
 * consent_cache_repairs for every change until Redis took it, and a store-local phase that keeps
 * checks on PostgreSQL until every repair row is applied.
 */

export const CONSENT_CACHE_TTL_SECONDS = 60;
const NONE = '-';

/** One cache key's coordinates. */
export interface CacheKey {
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

export class ConsentCache {
  private trust: CachePhase = { phase: 'untrusted' };
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
    this.trust = { phase: 'untrusted' };
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

  /**
   * Inside a consent change's transaction: the changed key's repair row, which outlives a failed
   * cache write or a crash and keeps every store off the cache until applied. Returns the key to
   * hand to `repairKey` once committed (none without Redis).
   */
  async recordRepair(db: PoolClient, changed: CacheKey): Promise<CacheKey | undefined> {
    if (!this.redis) return undefined;
    const key = { grantee: changed.grantee, purpose: changed.purpose, subject: changed.subject.trim() };
    await db.query(
      `INSERT INTO consent_cache_repairs (grantee, purpose, subject) VALUES ($1, $2, $3)
       ON CONFLICT (grantee, purpose, subject) DO UPDATE SET at = now()`,
      [key.grantee, key.purpose, key.subject],
    );
    return key;
  }

  /** After the change committed: sets that key; a failure leaves its repair row for the next check. */
  async repairKey(key: CacheKey): Promise<void> {
    await this.repair(key).catch(() => this.distrust());
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
          // a consent expiring within the second is cached as none
          const live = ttl > 0;
          writes.set(this.key(key.grantee, key.purpose, key.subject), live && hit ? hit.id : NONE, 'EX', live ? ttl : CONSENT_CACHE_TTL_SECONDS);
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
    if (this.trust.phase === 'repairing') return this.trust.done;
    // Down: fail fast to PostgreSQL rather than wait out a reconnection.
    if (!this.redis || this.redis.status !== 'ready') return;
    const errorsBefore = this.redisErrors;
    const done = this.repair('all').then(
      () => {
        if (this.redisErrors === errorsBefore) this.trust = { phase: 'trusted' };
        else this.trust = { phase: 'untrusted' };
      },
      () => this.distrust(),
    );
    this.trust = { phase: 'repairing', done };
    return done;
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

  /** The grantee's ACTIVE consent id per subject (absent: none): one MGET, one query for the misses. */
  async lookUpActive(grantee: string, purpose: string, subjects: readonly string[]): Promise<Map<string, string>> {
    if (!this.redis || subjects.length === 0) return this.fromDatabase(grantee, purpose, subjects);
    switch (this.trust.phase) {
      case 'trusted':
        return this.throughCache(grantee, purpose, subjects);
      case 'untrusted':
      case 'repairing':
        await this.restoreTrust();
        return this.fromDatabase(grantee, purpose, subjects);
      default:
        throw new UnreachableCaseError(this.trust);
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
      if (pending) this.trust = { phase: 'untrusted' };
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
