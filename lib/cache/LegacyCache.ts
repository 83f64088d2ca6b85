import type Redis from 'ioredis';

/**
 * A cache of legacy answers (data only, never authorization decisions), keyed by each
 * department's own identifiers. Redis when REDIS_URL is set (shared by subgraph replicas),
 * in-process otherwise. An entry keeps its value — null meaning "the department has no record" —
 * and when it was fetched: fresh while younger than the namespace's TTL, and kept until its max
 * staleness so it can be served with `stale: true` when the department fails (stale-if-error).
 */

export interface CachedAnswer<T> {
  value: T | null;
  /** epoch ms */
  fetchedAt: number;
}

export interface LegacyCache {
  getMany<T>(keys: readonly string[]): Promise<(CachedAnswer<T> | undefined)[]>;
  /** `keepSeconds`: how long the entry may still serve as a stale copy */
  setMany<T>(entries: readonly { key: string; answer: CachedAnswer<T> }[], keepSeconds: number): Promise<void>;
  invalidate(keys: readonly string[]): Promise<void>;
}

/** JSON that keeps BigInt amounts (adapters hold money as exact integer cents). */
const BIGINT = '$bigint';
export function encodeAnswer(answer: CachedAnswer<unknown>): string {
  return JSON.stringify(answer, (_k, v) => (typeof v === 'bigint' ? { [BIGINT]: v.toString() } : v));
}
export function decodeAnswer<T>(text: string): CachedAnswer<T> {
  return JSON.parse(text, (_k, v) => (v && typeof v === 'object' && typeof v[BIGINT] === 'string' && Object.keys(v).length === 1 ? BigInt(v[BIGINT]) : v));
}

export class RedisLegacyCache implements LegacyCache {
  constructor(private readonly redis: Redis) {}

  async getMany<T>(keys: readonly string[]): Promise<(CachedAnswer<T> | undefined)[]> {
    if (keys.length === 0) return [];
    try {
      const raw = await this.redis.mget(...keys.map((k) => `legacy:${k}`));
      return raw.map((r) => (r === null ? undefined : decodeAnswer<T>(r)));
    } catch {
      // Redis down: behave as a cold cache; the departments are asked directly.
      return keys.map(() => undefined);
    }
  }

  async setMany<T>(entries: readonly { key: string; answer: CachedAnswer<T> }[], keepSeconds: number): Promise<void> {
    if (entries.length === 0) return;
    try {
      const pipeline = this.redis.pipeline();
      for (const e of entries) pipeline.set(`legacy:${e.key}`, encodeAnswer(e.answer), 'EX', keepSeconds);
      await pipeline.exec();
    } catch {
      // a cache that cannot be written only costs a later legacy call
    }
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => `legacy:${k}`));
  }
}

export class MemoryLegacyCache implements LegacyCache {
  private readonly entries = new Map<string, { answer: CachedAnswer<unknown>; expiresAt: number }>();
  constructor(private readonly maxEntries = 100_000) {}

  async getMany<T>(keys: readonly string[]): Promise<(CachedAnswer<T> | undefined)[]> {
    const now = Date.now();
    return keys.map((k) => {
      const e = this.entries.get(k);
      if (!e) return undefined;
      if (e.expiresAt <= now) {
        this.entries.delete(k);
        return undefined;
      }
      return e.answer as CachedAnswer<T>;
    });
  }

  async setMany<T>(entries: readonly { key: string; answer: CachedAnswer<T> }[], keepSeconds: number): Promise<void> {
    const expiresAt = Date.now() + keepSeconds * 1000;
    for (const e of entries) {
      this.entries.delete(e.key);
      this.entries.set(e.key, { answer: e.answer, expiresAt });
    }
    // Oldest insertions go first (Map keeps insertion order).
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.entries.delete(k);
  }
}
