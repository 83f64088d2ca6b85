import type { Random } from './prng';

/**
 * A seeded bijection x ↦ (a·x + b) mod n on [0, n), with its inverse. The world hides subject
 * indices in identifiers with these: the code looks arbitrary, yet decoding is one modular
 * multiplication, so reverse lookups need no table.
 */

/** (a·x) mod n without leaving the exact range of doubles, for n < 2^31. */
function mulMod(a: number, x: number, n: number): number {
  const aHigh = Math.floor(a / 8192);
  const aLow = a % 8192;
  return (((aHigh * x) % n) * 8192 + aLow * x) % n;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function inverseMod(a: number, n: number): number {
  let [oldR, r] = [a, n];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % n) + n) % n;
}

export class AffinePermutation {
  private readonly a: number;
  private readonly b: number;
  private readonly aInverse: number;

  constructor(
    readonly n: number,
    random: Random,
  ) {
    if (!Number.isSafeInteger(n) || n < 2 || n >= 2 ** 31) throw new RangeError(`AffinePermutation: n must be an integer in [2, 2^31), got ${n}`);
    // A multiplier away from 0 and n spreads neighbouring indices over the whole range.
    let a = Math.floor(n / 4) + random.int(Math.floor(n / 2));
    while (gcd(a, n) !== 1) a++;
    this.a = a;
    this.b = random.int(n);
    this.aInverse = inverseMod(a, n);
  }

  apply(x: number): number {
    return (mulMod(this.a, x, this.n) + this.b) % this.n;
  }

  invert(y: number): number {
    return mulMod(this.aInverse, (y - this.b + this.n) % this.n, this.n);
  }
}
