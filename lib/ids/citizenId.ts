import { isAsciiDigit, requireCharset, requireLength, requireString } from './characters';
import { requireDivision } from './divisions';
import { IdentifierError, toCheckResult, type CheckResult } from './IdentifierError';

/**
 * Citizen identity number (公民身份号码, GB 11643-1999), 18 characters: 6-digit division of first
 * registration, birth date YYYYMMDD, 3-digit sequence (odd for men, even for women) and an
 * ISO 7064 MOD 11-2 check character (0-9 or upper-case X). Only the division's province is
 * checked: a number keeps the county code it was issued under even after that county is merged
 * or renamed. Legal representatives are natural persons: mask numbers before showing them (SPEC §7).
 */

const LABEL = 'Citizen ID';
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_MAP = '10X98765432';
const EARLIEST_BIRTH_YEAR = 1800;

export interface CitizenId {
  id: string;
  /** digits 1-6 */
  divisionCode: string;
  /** the division's full name when GB/T 2260 still lists it, else its province's name */
  regionName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'male' | 'female';
  /** digits 15-17 */
  sequence: string;
  checkCharacter: string;
}

function computeCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_MAP[sum % 11];
}

const CHARSET_RULE = {
  identifier: 'CITIZEN_ID' as const,
  label: LABEL,
  isAllowed: (ch: string, i: number) => isAsciiDigit(ch) || (i === 17 && ch === 'X'),
  expectedAt: (i: number) => (i === 17 ? 'a digit or upper-case X' : 'a digit 0-9'),
};

/** ISO 7064 MOD 11-2 check character of the first 17 digits ("10X98765432"[Σ mod 11]). */
export function citizenIdCheckCharacter(first17: string): string {
  const input = requireString('CITIZEN_ID', `${LABEL} without check character`, first17);
  requireLength('CITIZEN_ID', `${LABEL} without check character`, input, [17], '17 digits');
  requireCharset({ ...CHARSET_RULE, label: `${LABEL} without check character` }, input);
  return computeCheck(input);
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function requireBirthDate(digits: string): string {
  const year = Number(digits.slice(0, 4));
  const month = Number(digits.slice(4, 6));
  const day = Number(digits.slice(6, 8));
  const iso = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  const problem = !isRealDate(year, month, day)
    ? 'is not a calendar date'
    : year < EARLIEST_BIRTH_YEAR
      ? `is before ${EARLIEST_BIRTH_YEAR}`
      : iso > new Date().toISOString().slice(0, 10)
        ? 'is in the future'
        : undefined;
  if (!problem) return iso;
  throw new IdentifierError({
    identifier: 'CITIZEN_ID',
    rule: 'date',
    position: 7,
    message: `${LABEL} birth date (digits 7-14) ${digits} ${problem}`,
  });
}

export function parseCitizenId(text: unknown): CitizenId {
  const input = requireString('CITIZEN_ID', LABEL, text);
  requireLength('CITIZEN_ID', LABEL, input, [18], '18 characters');
  requireCharset(CHARSET_RULE, input);
  const divisionCode = input.slice(0, 6);
  const division = requireDivision({
    identifier: 'CITIZEN_ID',
    label: `${LABEL} digits 1-6 (the division of first registration)`,
    code: divisionCode,
    position: 1,
    match: 'province',
  });
  const birthDate = requireBirthDate(input.slice(6, 14));
  const expected = computeCheck(input);
  if (input[17] !== expected) {
    throw new IdentifierError({
      identifier: 'CITIZEN_ID',
      rule: 'check',
      position: 18,
      message: `${LABEL} check character is "${input[17]}", expected "${expected}" (GB 11643-1999, ISO 7064 MOD 11-2)`,
    });
  }
  return {
    id: input,
    divisionCode,
    regionName: division.name,
    birthDate,
    sex: (input.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female',
    sequence: input.slice(14, 17),
    checkCharacter: input[17],
  };
}

export function checkCitizenId(text: unknown): CheckResult<CitizenId> {
  return toCheckResult(() => parseCitizenId(text));
}

/**
 * The mask Chinese public disclosure uses: first 6 and last 4 characters kept, the birth date and
 * most of the sequence hidden, e.g. 110105********002X. Anything that is not 15 or 18 characters
 * long is masked entirely, so a malformed number never leaks either.
 */
export function maskCitizenId(id: string): string {
  const chars = Array.from(typeof id === 'string' ? id : '');
  if (chars.length !== 18 && chars.length !== 15) return '*'.repeat(chars.length);
  return chars.slice(0, 6).join('') + '*'.repeat(chars.length - 10) + chars.slice(-4).join('');
}
