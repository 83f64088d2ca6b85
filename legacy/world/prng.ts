/**
 * Deterministic randomness for the world. Every (seed, index, stream) triple seeds its own small
 * generator (sfc32, 128-bit state), so a subject — or one section of it — is regenerated from
 * nothing but its index, and adding draws to one section never shifts another's values.
 */

/** murmur3's 32-bit finalizer: a cheap, well-mixing bijection on 32-bit integers. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Folds any number of 32-bit words into one. */
export function hashWords(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) h = mix32((h ^ (w >>> 0)) + 0x7f4a7c15);
  return h;
}

/** The two 32-bit halves of a non-negative safe integer seed. */
export function seedWords(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 0x1_0000_0000) >>> 0];
}

export interface WeightedChoice<T> {
  value: T;
  weight: number;
}

/** Cumulative weights, built once per table, so a weighted pick is one binary search. */
export class WeightedTable<T> {
  private readonly values: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(choices: readonly WeightedChoice<T>[] | readonly [T, number][]) {
    const entries = choices.map((c) => (Array.isArray(c) ? { value: c[0], weight: c[1] } : (c as WeightedChoice<T>)));
    this.values = entries.map((e) => e.value);
    let sum = 0;
    this.cumulative = entries.map((e) => (sum += e.weight));
    this.total = sum;
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo];
  }
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator for one stream of one subject of one world. */
  static for(seed: readonly [number, number], index: number, stream: number): Random {
    const hi = Math.floor(index / 0x1_0000_0000);
    return new Random(hashWords(seed[0], seed[1], index, hi, stream, 1), hashWords(seed[0], seed[1], index, hi, stream, 2));
  }

  constructor(s0: number, s1: number) {
    this.a = s0 >>> 0;
    this.b = s1 >>> 0;
    this.c = (s0 ^ 0xdeadbeef) >>> 0;
    this.d = 1;
    // the seed words are already well mixed (hashWords); a few rounds suffice to decorrelate a, b, c
    for (let i = 0; i < 4; i++) this.nextUint32();
  }

  /** sfc32 */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** integer in [min, max] */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** log-uniform in [min, max]: amounts spread over orders of magnitude, as money is */
  logUniform(min: number, max: number): number {
    return Math.exp(Math.log(min) + this.next() * (Math.log(max) - Math.log(min)));
  }
}
