/**
 * Exact money formatting from integer minor units: legacy systems speak 分, 万元, US cents;
 * the graph speaks `Decimal` strings in yuan (customs: USD). No floating point on the way.
 */

/** 123456 分 → "1234.56" */
export function centsToDecimal(cents: number | bigint): string {
  const n = BigInt(cents);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

/**
 * A decimal string in some unit → integer minor units (cents) of the target, where
 * `unitInCents` is how many cents one unit is (yuan: 100; 万元: 1,000,000).
 * Refuses (returns undefined) anything that is not a plain decimal or that would lose precision.
 */
export function decimalToCents(text: string, unitInCents = 100): bigint | undefined {
  const m = /^\s*(-)?(\d+)(?:\.(\d+))?\s*$/.exec(text);
  if (!m) return undefined;
  const digits = m[3] ?? '';
  const scale = 10n ** BigInt(digits.length);
  const numerator = (BigInt(m[2]) * scale + BigInt(digits || '0')) * BigInt(unitInCents);
  if (numerator % scale !== 0n) return undefined;
  const cents = numerator / scale;
  return m[1] ? -cents : cents;
}
