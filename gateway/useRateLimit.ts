import type Redis from 'ioredis';
import type { Consumer } from '../lib/auth/consumer';
import { HttpError } from '../lib/http/serveGraphQL';
import { describeError, logWarning } from '../lib/log';
import { metrics } from '../lib/observability/metrics';
import type { GatewayPlugin } from './plugin';

/**
 * Per-organization rate limit (SPEC §6: HTTP 429 with Retry-After). Fixed one-minute windows
 * counted in Redis, so every gateway replica shares the same budget; without Redis, counted in
 * this process. A Redis outage lets requests through (availability over strictness for a limit
 * that protects capacity, not data), and says so in the log.
 */

export interface RateLimitOptions {
  /** requests per organization per minute */
  perMinute: number;
  redis: Redis | null;
}


const WINDOW_SECONDS = 60;

/** Listed after useAuthentication: it counts by the verified consumer's organization. */
export function useRateLimit(options: RateLimitOptions): GatewayPlugin {
  if (!Number.isInteger(options.perMinute) || options.perMinute < 1) {
    throw new Error(`useRateLimit: perMinute must be a whole number ≥ 1, got ${options.perMinute}`);
  }
  const local = new Map<string, number>();
  let localWindow = 0;
  let warned = false;

  async function count(org: string, window: number): Promise<number> {
    if (options.redis) {
      try {
        const key = `ratelimit:${org}:${window}`;
        const [[, n]] = (await options.redis.multi().incr(key).expire(key, WINDOW_SECONDS * 2).exec()) as [[unknown, number]];
        return n;
      } catch (e) {
        if (!warned) logWarning({ event: 'rate limit: Redis unavailable, not limiting', error: describeError(e) });
        warned = true;
        return 0;
      }
    }
    if (window !== localWindow) {
      local.clear();
      localWindow = window;
    }
    const n = (local.get(org) ?? 0) + 1;
    local.set(org, n);
    return n;
  }

  async function check(consumer: Consumer): Promise<void> {
    const now = Date.now() / 1000;
    const window = Math.floor(now / WINDOW_SECONDS);
    const n = await count(consumer.org, window);
    if (n > options.perMinute) {
      const retryAfter = Math.max(1, Math.ceil((window + 1) * WINDOW_SECONDS - now));
      metrics.rateLimitRefusals.inc();
      throw new HttpError(429, 'RATE_LIMITED', `rate limit of ${options.perMinute} requests per minute exceeded for ${consumer.org}`, {
        'retry-after': String(retryAfter),
      });
    }
  }

  return {
    name: 'rateLimit',
    async onRequest({ context }) {
      if (!context.consumer) throw new Error('useRateLimit must be listed after useAuthentication');
      await check(context.consumer);
    },
  };
}
