import { USCC_CHARSET } from '../../lib/ids';
import { AffinePermutation } from './permutation';
import { Random } from './prng';

/**
 * How a subject's index hides in its identifiers, so that every reverse lookup is a computation
 * (decode, bounds check, regenerate, compare the whole identifier) and never a table:
 *
 * - Organization code body (USCC positions 9-16), unique nationwide as in reality:
 *   - registered before the 2015 reform: 8 decimal digits, like the old codes (60003734-1),
 *     = P1(index) over [0, 10^8);
 *   - registered since: a two-letter prefix by issuing authority (MA market regulation, MB 编办,
 *     MJ 民政, as real new-style codes) + 6 base-31 characters (USCC charset, also valid GB 11714)
 *     = P2(index) over [0, 31^6).
 *   The two shapes cannot collide (digits vs. a leading M), and each P is a bijection.
 * - 注册号 (pre-2015 only): 6-digit authority (the subject's division) + 8-digit sequence
 *   P3(index) over [0, 10^8) + ISO 7064 MOD 11,10 check digit.
 * - 海关编码: a subject is customs-registered only if Q(index) ≡ 0 (mod 18) — Q a bijection over
 *   [0, MAX_WORLD_SIZE) — so registrations are numbered by rank = Q(index) / 18 without counting.
 *   The last six digits are R(rank) over [0, 9·9·10^4) written as economic zone 1-9, enterprise
 *   type 1-9, sequence 0000-9999; the first four are the district of the subject's region.
 *
 * Every P, Q, R is an AffinePermutation seeded by the world seed, and none depends on the world's
 * size: a world of 10,000 is the first 10,000 subjects of the world of 1,000,000 with that seed.
 */

export const MAX_WORLD_SIZE = 10_000_000;
const NUMERIC_BODIES = 100_000_000;
const NEW_STYLE_BODIES = 31 ** 6;
const REGISTRATION_SEQUENCES = 100_000_000;
/** 1 in 18 candidates; with 90% of subjects enterprises, about 5% of subjects trade across the border */
export const CUSTOMS_CANDIDATE_MODULUS = 18;
const CUSTOMS_TAILS = 9 * 9 * 10_000;

export type NewStylePrefix = 'MA' | 'MB' | 'MJ';
const NEW_STYLE_PREFIXES: readonly string[] = ['MA', 'MB', 'MJ'];

const BASE31_VALUES = new Map(Array.from(USCC_CHARSET, (ch, v) => [ch, v]));

function toBase31(value: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = USCC_CHARSET[value % 31] + out;
    value = Math.floor(value / 31);
  }
  return out;
}

function fromBase31(text: string): number | undefined {
  let value = 0;
  for (const ch of text) {
    const digit = BASE31_VALUES.get(ch);
    if (digit === undefined) return undefined;
    value = value * 31 + digit;
  }
  return value;
}

const DIGITS = /^\d+$/;

export class IdentifierCodec {
  private readonly numericBodies: AffinePermutation;
  private readonly newStyleBodies: AffinePermutation;
  private readonly registrationSequences: AffinePermutation;
  private readonly customsCandidates: AffinePermutation;
  private readonly customsTails: AffinePermutation;

  constructor(seed: readonly [number, number]) {
    // Index -1 is no subject's: the permutations' parameters get a stream of their own.
    const random = Random.for(seed, -1, 0x0c0dec);
    this.numericBodies = new AffinePermutation(NUMERIC_BODIES, random);
    this.newStyleBodies = new AffinePermutation(NEW_STYLE_BODIES, random);
    this.registrationSequences = new AffinePermutation(REGISTRATION_SEQUENCES, random);
    this.customsCandidates = new AffinePermutation(MAX_WORLD_SIZE, random);
    this.customsTails = new AffinePermutation(CUSTOMS_TAILS, random);
  }

  /** The 8-character organization code body (without its check character). */
  organizationBody(index: number, prefix: NewStylePrefix | null): string {
    if (prefix === null) return String(this.numericBodies.apply(index)).padStart(8, '0');
    return prefix + toBase31(this.newStyleBodies.apply(index), 6);
  }

  /** The index a body encodes, or undefined when it cannot be one of this world's. */
  indexOfOrganizationBody(body: string): number | undefined {
    if (body.length !== 8) return undefined;
    if (DIGITS.test(body)) return this.numericBodies.invert(Number(body));
    if (!NEW_STYLE_PREFIXES.includes(body.slice(0, 2))) return undefined;
    const value = fromBase31(body.slice(2));
    return value === undefined ? undefined : this.newStyleBodies.invert(value);
  }

  /** The 8-digit sequence of a 注册号 (digits 7-14). */
  registrationSequence(index: number): string {
    return String(this.registrationSequences.apply(index)).padStart(8, '0');
  }

  indexOfRegistrationSequence(sequence: string): number | undefined {
    if (sequence.length !== 8 || !DIGITS.test(sequence)) return undefined;
    return this.registrationSequences.invert(Number(sequence));
  }

  /** Whether the subject at `index` is one of the ~1/18 that may hold a customs code. */
  isCustomsCandidate(index: number): boolean {
    return index < MAX_WORLD_SIZE && this.customsCandidates.apply(index) % CUSTOMS_CANDIDATE_MODULUS === 0;
  }

  /** Customs code digits 5-10 for a candidate: economic zone 1-9, enterprise type 1-9, 4-digit sequence. */
  customsTail(index: number): string {
    const rank = this.customsCandidates.apply(index) / CUSTOMS_CANDIDATE_MODULUS;
    const value = this.customsTails.apply(rank);
    const zone = 1 + Math.floor(value / 90_000);
    const type = 1 + Math.floor((value % 90_000) / 10_000);
    return `${zone}${type}${String(value % 10_000).padStart(4, '0')}`;
  }

  indexOfCustomsTail(tail: string): number | undefined {
    if (tail.length !== 6 || !DIGITS.test(tail) || tail[0] === '0' || tail[1] === '0') return undefined;
    const value = (Number(tail[0]) - 1) * 90_000 + (Number(tail[1]) - 1) * 10_000 + Number(tail.slice(2));
    const candidate = this.customsTails.invert(value) * CUSTOMS_CANDIDATE_MODULUS;
    return candidate < MAX_WORLD_SIZE ? this.customsCandidates.invert(candidate) : undefined;
  }
}
