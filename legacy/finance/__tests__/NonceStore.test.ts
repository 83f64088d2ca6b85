import { createNonceStore } from '../NonceStore';

describe('NonceStore', () => {
  it('refuses a nonce seen within the skew window and forgets it after', () => {
    let now = 1_000_000;
    const store = createNonceStore({ skewMs: 300_000, maxEntries: 10, now: () => now });
    expect(store.remember('a', now)).toBe('fresh');
    expect(store.remember('a', now)).toBe('reused');
    now += 300_001;
    expect(store.remember('a', now)).toBe('fresh');
  });

  it('never holds more than maxEntries live nonces, refusing rather than forgetting early', () => {
    let now = 0;
    const store = createNonceStore({ skewMs: 1000, maxEntries: 3, now: () => now });
    for (const n of ['a', 'b', 'c']) expect(store.remember(n, now)).toBe('fresh');
    expect(store.remember('d', now)).toBe('full');
    expect(store.size).toBe(3);
    now += 1001;
    expect(store.remember('d', now)).toBe('fresh');
    expect(store.size).toBe(1);
  });
});
