import { describeCharacter, isAsciiDigit, requireCharset, requireLength, requireString } from './characters';
import { IdentifierError, toCheckResult, type CheckResult } from './IdentifierError';

/**
 * GB 11714-1997 organization code (组织机构代码): an 8-character body of digits and upper-case
 * letters (the full alphabet, A=10 … Z=35) and a check character, written `XXXXXXXX-C` on
 * certificates and by the courts (legacy-systems.md §3). Since 2015 it is positions 9-17 of the USCC.
 */

const LABEL = 'Organization code';
const WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export interface OrganizationCode {
  /** the 9 characters without hyphen */
  code: string;
  /** the 8-character body */
  body: string;
  checkCharacter: string;
  /** `XXXXXXXX-C` */
  formatted: string;
}

const isBodyCharacter = (ch: string): boolean => isAsciiDigit(ch) || (ch >= 'A' && ch <= 'Z');
const isCheckCharacter = (ch: string): boolean => isAsciiDigit(ch) || ch === 'X';
const valueOf = (ch: string): number => (isAsciiDigit(ch) ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 55);

function computeCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += valueOf(body[i]) * WEIGHTS[i];
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** The check character of an 8-character body: 11 − (Σ mod 11), 10 → "X", 11 → "0". */
export function organizationCodeCheckCharacter(body8: string): string {
  const body = requireString('ORGANIZATION_CODE', 'Organization code body', body8);
  requireLength('ORGANIZATION_CODE', 'Organization code body', body, [8], '8 characters');
  requireCharset(
    {
      identifier: 'ORGANIZATION_CODE',
      label: 'Organization code body',
      isAllowed: isBodyCharacter,
      expectedAt: () => 'a digit or an upper-case letter A-Z',
    },
    body,
  );
  return computeCheck(body);
}

/** `XXXXXXXX-C` from the 9 characters (no validation beyond the length). */
export function formatOrganizationCode(code9: string): string {
  return `${code9.slice(0, 8)}-${code9.slice(8)}`;
}

/** Accepts `XXXXXXXX-C` or the 9 characters without hyphen; validates the character set and the check character. */
export function parseOrganizationCode(text: unknown): OrganizationCode {
  const input = requireString('ORGANIZATION_CODE', LABEL, text);
  const length = requireLength('ORGANIZATION_CODE', LABEL, input, [9, 10], '9 characters (10 when written XXXXXXXX-C)');
  const hyphenated = length === 10;
  if (hyphenated) {
    const separator = Array.from(input)[8];
    if (separator !== '-') {
      throw new IdentifierError({
        identifier: 'ORGANIZATION_CODE',
        rule: 'format',
        position: 9,
        message: `${LABEL} position 9 is ${describeCharacter(separator)}, expected the hyphen "-" of XXXXXXXX-C`,
      });
    }
  }
  const checkIndex = hyphenated ? 9 : 8;
  requireCharset(
    {
      identifier: 'ORGANIZATION_CODE',
      label: LABEL,
      isAllowed: (ch, i) => (i === checkIndex ? isCheckCharacter(ch) : hyphenated && i === 8 ? ch === '-' : isBodyCharacter(ch)),
      expectedAt: (i) => (i === checkIndex ? 'a check character 0-9 or X' : 'a digit or an upper-case letter A-Z'),
    },
    input,
  );
  const body = input.slice(0, 8);
  const checkCharacter = input[checkIndex];
  const expected = computeCheck(body);
  if (checkCharacter !== expected) {
    throw new IdentifierError({
      identifier: 'ORGANIZATION_CODE',
      rule: 'check',
      position: checkIndex + 1,
      message: `${LABEL} check character is "${checkCharacter}", expected "${expected}" (GB 11714-1997)`,
    });
  }
  const code = body + checkCharacter;
  return { code, body, checkCharacter, formatted: formatOrganizationCode(code) };
}

export function checkOrganizationCode(text: unknown): CheckResult<OrganizationCode> {
  return toCheckResult(() => parseOrganizationCode(text));
}

/** For USCC parsing: the expected check character of a body already known to be in the USCC character set. */
export function organizationCodeCheckOf(body8: string): string {
  return computeCheck(body8);
}
