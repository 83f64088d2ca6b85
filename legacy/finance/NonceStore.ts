/**
 * Replay protection for the finance platform's signed requests: every nonce is remembered for as
 * long as its timestamp is still acceptable (timestamp + allowed skew), then forgotten. Memory is
 * bounded by `maxEntries`: when that many live nonces are held, new requests are refused rather
 * than old nonces forgotten early (forgetting early would re-open the replay window).
 */

export type NonceVerdict = 'fresh' | 'reused' | 'full';

export interface NonceStoreOptions {
  /** how far a timestamp may lie from the clock; a nonce is kept until timestamp + skewMs */
  skewMs: number;
  maxEntries: number;
  now?: () => number;
}

export interface NonceStore {
  /** records the nonce unless it is still remembered (or there is no room) */
  remember(nonce: string, timestampMs: number): NonceVerdict;
  readonly size: number;
}

export function createNonceStore(options: NonceStoreOptions): NonceStore {
  const { skewMs, maxEntries } = options;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new Error(`NonceStore: maxEntries must be a positive integer, got ${maxEntries}`);
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();
  // A full sweep at most once per skew window keeps the amortized cost per request O(1).
  let nextSweepAt = 0;

  const sweep = (at: number) => {
    for (const [nonce, expiresAt] of expiries) if (expiresAt < at) expiries.delete(nonce);
    nextSweepAt = at + skewMs;
  };

  return {
    remember(nonce, timestampMs) {
      const at = now();
      if (at >= nextSweepAt) sweep(at);
      const known = expiries.get(nonce);
      if (known !== undefined && known >= at) return 'reused';
      if (expiries.size >= maxEntries) {
        sweep(at);
        if (expiries.size >= maxEntries) return 'full';
      }
      expiries.set(nonce, timestampMs + skewMs);
      return 'fresh';
    },
    get size() {
      return expiries.size;
    },
  };
}
