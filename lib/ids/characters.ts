import { IdentifierError, type IdentifierName } from './IdentifierError';

/**
 * Character-level rules every identifier shares: type, length and character set, with messages
 * that say what a person most likely did wrong (typed lower case, pasted a full-width digit from
 * a Chinese IME, copied a Cyrillic look-alike, left a space in). Positions are 1-based and count
 * characters (code points), as people count them.
 */

const MAX_QUOTED_CHARS = 40;

/** The input in double quotes, cut to ~40 characters: messages must never echo unbounded input. */
export function quote(text: string, maxChars = MAX_QUOTED_CHARS): string {
  const chars = Array.from(text.length > maxChars * 2 ? text.slice(0, maxChars * 2) : text);
  const shown = chars.length > maxChars ? `${chars.slice(0, maxChars).join('')}…` : chars.join('');
  return JSON.stringify(shown);
}

export function codePointLabel(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

const WHITESPACE_NAMES: Record<string, string> = {
  ' ': 'a space',
  '\t': 'a tab',
  '\n': 'a line feed',
  '\r': 'a carriage return',
  '\u00a0': 'a no-break space',
  '\u3000': 'an ideographic (full-width) space',
  '\u200b': 'a zero-width space',
  '\ufeff': 'a byte-order mark',
};

/** `"m"` for printable ASCII, `"３" (U+FF13)` otherwise, `a space (U+0020)` for blanks. */
export function describeCharacter(ch: string): string {
  const blank = WHITESPACE_NAMES[ch] ?? (/\s/u.test(ch) ? 'a whitespace character' : undefined);
  if (blank) return `${blank} (${codePointLabel(ch)})`;
  const code = ch.codePointAt(0) ?? 0;
  if (code >= 0x21 && code <= 0x7e) return JSON.stringify(ch);
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `a control character (${codePointLabel(ch)})`;
  return `"${ch}" (${codePointLabel(ch)})`;
}

/** Cyrillic and Greek capitals (and a few small letters) that render like Latin letters or digits. */
const LOOK_ALIKES: Record<string, string> = {
  А: 'A', В: 'B', Е: 'E', З: '3', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X',
  І: 'I', Ј: 'J', Ѕ: 'S', а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  ο: 'o', ν: 'v',
};

function scriptOf(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code >= 0x0400 && code <= 0x04ff) return 'Cyrillic';
  if (code >= 0x0370 && code <= 0x03ff) return 'Greek';
  return 'non-Latin';
}

/** Full-width forms U+FF01..U+FF5E map onto ASCII U+0021..U+007E. */
function fullWidthToAscii(ch: string): string | undefined {
  const code = ch.codePointAt(0) ?? 0;
  return code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : undefined;
}

export function typeName(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  const type = typeof input;
  return type === 'object' ? 'an object' : type === 'undefined' ? 'undefined' : `a ${type}`;
}

/** Counts code points without allocating (an astral character is one character, not two). */
export function countCharacters(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) count++;
  }
  return count;
}

export function requireString(identifier: IdentifierName, label: string, input: unknown): string {
  if (typeof input === 'string') return input;
  throw new IdentifierError({ identifier, rule: 'type', message: `${label} must be a string, got ${typeName(input)}` });
}

/** `expected` is one length or the accepted lengths; `what` describes them, e.g. "18 characters". */
export function requireLength(
  identifier: IdentifierName,
  label: string,
  input: string,
  expected: readonly number[],
  what: string,
): number {
  const length = countCharacters(input);
  if (expected.includes(length)) return length;
  if (length === 0) throw new IdentifierError({ identifier, rule: 'length', message: `${label} is empty, expected ${what}` });
  const trimmed = countCharacters(input.trim());
  const hint = trimmed !== length && expected.includes(trimmed) ? ' including leading or trailing whitespace' : '';
  throw new IdentifierError({
    identifier,
    rule: 'length',
    message: `${label} must have ${what}, got ${length}${hint}`,
  });
}

export interface CharsetRule {
  identifier: IdentifierName;
  label: string;
  /** `index` is 0-based */
  isAllowed(ch: string, index: number): boolean;
  /** what the position accepts, in words, e.g. "a digit or X" */
  expectedAt(index: number): string;
  /** an identifier-specific explanation for a character (e.g. the letters USCC never uses) */
  explain?(ch: string, index: number): string | undefined;
}

/** Throws on the first character outside the set, naming its position and the likely mistake. */
export function requireCharset(rule: CharsetRule, input: string): void {
  let index = 0;
  for (const ch of input) {
    if (!rule.isAllowed(ch, index)) throw charsetError(rule, ch, index);
    index++;
  }
}

function charsetError(rule: CharsetRule, ch: string, index: number): IdentifierError {
  const position = index + 1;
  const at = `${rule.label} position ${position} is`;
  const upper = ch.toUpperCase();
  const ascii = fullWidthToAscii(ch);
  const lookAlike = LOOK_ALIKES[ch];
  let message: string;
  const explained = rule.explain?.(ch, index);
  if (explained) {
    message = `${at} ${describeCharacter(ch)}, ${explained}`;
  } else if (ch >= 'a' && ch <= 'z' && rule.isAllowed(upper, index)) {
    message = `${at} lower-case "${ch}", but lower case is not accepted: write "${upper}"`;
  } else if (ascii !== undefined) {
    message = `${at} the full-width ${describeCharacter(ch)}, but only ASCII characters are accepted: write "${ascii}"`;
  } else if (lookAlike !== undefined) {
    message = `${at} ${describeCharacter(ch)}, a ${scriptOf(ch)} letter that looks like the Latin "${lookAlike}", expected ${rule.expectedAt(index)}`;
  } else {
    message = `${at} ${describeCharacter(ch)}, expected ${rule.expectedAt(index)}`;
  }
  return new IdentifierError({ identifier: rule.identifier, rule: 'charset', message, position });
}

export const isAsciiDigit = (ch: string): boolean => ch >= '0' && ch <= '9';
