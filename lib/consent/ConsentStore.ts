import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
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
  constructor(
    private readonly pool: Pool,
    private readonly redis: Redis | null,
  ) {}

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
    `);
  }

  private key(grantee: string, purpose: string, subject: string): string {
    return `consent:${purpose}:${grantee}:${subject}`;
  }

  private async setCache(consent: { grantee: string; purpose: string; subject: string }, value: string, ttlSeconds: number, onlyIfAbsent: boolean): Promise<void> {
    if (!this.redis || ttlSeconds <= 0) return;
    const key = this.key(consent.grantee, consent.purpose, consent.subject);
    try {
      if (onlyIfAbsent) await this.redis.set(key, value, 'EX', ttlSeconds, 'NX');
      else await this.redis.set(key, value, 'EX', ttlSeconds);
    } catch {
      // a cache that cannot be written only costs a database read later
    }
  }

  async grant(input: { subject: string; grantee: string; purpose: string; expiresAt: Date }): Promise<Consent> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO consents (id, subject, grantee, purpose, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [randomUUID(), input.subject, input.grantee, input.purpose, input.expiresAt],
    );
    const consent = toConsent(rows[0]);
    const ttl = Math.min(CONSENT_CACHE_TTL_SECONDS, Math.floor((consent.expiresAt.getTime() - Date.now()) / 1000));
    await this.setCache(consent, consent.id, ttl, false);
    return consent;
  }

  /** Revokes; the very next check anywhere sees it (the cache entry is overwritten first thing). */
  async revoke(id: string): Promise<Consent | null> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE consents SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *`,
      [id],
    );
    if (!rows[0]) return null;
    const consent = toConsent(rows[0]);
    // Another active consent for the same grantee may remain: recompute rather than assume.
    const active = await this.activeFromDatabase(consent.grantee, consent.purpose, [consent.subject]);
    const still = active.get(consent.subject);
    if (this.redis) {
      if (still) await this.setCache(consent, still.id, CONSENT_CACHE_TTL_SECONDS, false);
      else await this.setCache(consent, NONE, CONSENT_CACHE_TTL_SECONDS, false);
    }
    return consent;
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

  private async activeFromDatabase(grantee: string, purpose: string, subjects: readonly string[]): Promise<Map<string, { id: string; expiresAt: Date }>> {
    const { rows } = await this.pool.query<{ id: string; subject: string; expires_at: Date }>(
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
    const result = new Map<string, string>();
    let misses: readonly string[] = subjects;
    if (this.redis && subjects.length > 0) {
      try {
        const cached = await this.redis.mget(...subjects.map((s) => this.key(grantee, purpose, s)));
        const missing: string[] = [];
        subjects.forEach((s, i) => {
          const v = cached[i];
          if (v === null || v === undefined) missing.push(s);
          else if (v !== NONE) result.set(s, v);
        });
        misses = missing;
      } catch {
        misses = subjects;
      }
    }
    if (misses.length === 0) return result;
    const active = await this.activeFromDatabase(grantee, purpose, misses);
    const now = Date.now();
    await Promise.all(
      misses.map((s) => {
        const hit = active.get(s);
        if (hit) result.set(s, hit.id);
        const ttl = hit ? Math.min(CONSENT_CACHE_TTL_SECONDS, Math.floor((hit.expiresAt.getTime() - now) / 1000)) : CONSENT_CACHE_TTL_SECONDS;
        return this.setCache({ grantee, purpose, subject: s }, hit ? hit.id : NONE, ttl, true);
      }),
    );
    return result;
  }
}
