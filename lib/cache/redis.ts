import Redis from 'ioredis';
import { describeError, logWarning } from '../log';

/** One Redis connection per process for caches, the consent cache and rate limits. */
export function createRedis(url: string, keyPrefix: string): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    // Fail fast rather than queue forever when Redis is gone: callers fall back or refuse.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 2000,
    lazyConnect: false,
  });
  redis.on('error', (e) => logWarning({ event: 'redis error', error: describeError(e) }));
  // Commands queue only while the first connection is made. Once Redis has been lost, a queued
  // command would wait out the reconnection back-off (up to 2 s) and spend a department's
  // deadline: it fails at once instead, and callers fall back (issue 15, Redis stopped).
  redis.once('close', () => {
    redis.options.enableOfflineQueue = false;
  });
  return redis;
}
