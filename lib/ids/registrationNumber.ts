import { isAsciiDigit, requireCharset, requireLength, requireString } from './characters';
import { IdentifierError, toCheckResult, type CheckResult } from './IdentifierError';

/**
 * The pre-2015 business registration number (工商注册号, 15 digits): a 6-digit registering
 * authority code, an 8-digit sequence and an ISO 7064 MOD 11,10 check digit (hybrid system).
 * The authority part is not checked against GB/T 2260: numbers issued by the national
 * administration start with 100000, which is no division.
 */

const LABEL = 'Registration number (注册号)';

export interface RegistrationNumber {
  code: string;
  /** digits 1-6 */
  authorityCode: string;
  /** digits 7-14 */
  sequence: string;
  /** digit 15 */
  checkDigit: string;
}

function computeCheck(first14: string): string {
  let product = 10;
  for (let i = 0; i < 14; i++) {
    const sum = (product + first14.charCodeAt(i) - 48) % 10;
    product = ((sum === 0 ? 10 : sum) * 2) % 11;
  }
  return String((11 - product) % 10);
}

const CHARSET_RULE = {
  identifier: 'REGISTRATION_NUMBER' as const,
  label: LABEL,
  isAllowed: isAsciiDigit,
  expectedAt: () => 'a digit 0-9',
};

/** ISO 7064 MOD 11,10 check digit of the first 14 digits. */
export function registrationNumberCheckDigit(first14: string): string {
  const input = requireString('REGISTRATION_NUMBER', `${LABEL} without check digit`, first14);
  requireLength('REGISTRATION_NUMBER', `${LABEL} without check digit`, input, [14], '14 digits');
  requireCharset({ ...CHARSET_RULE, label: `${LABEL} without check digit` }, input);
  return computeCheck(input);
}

export function parseRegistrationNumber(text: unknown): RegistrationNumber {
  const input = requireString('REGISTRATION_NUMBER', LABEL, text);
  requireLength('REGISTRATION_NUMBER', LABEL, input, [15], '15 digits');
  requireCharset(CHARSET_RULE, input);
  const expected = computeCheck(input);
  if (input[14] !== expected) {
    throw new IdentifierError({
      identifier: 'REGISTRATION_NUMBER',
      rule: 'check',
      position: 15,
      message: `${LABEL} check digit is "${input[14]}", expected "${expected}" (ISO 7064 MOD 11,10)`,
    });
  }
  return { code: input, authorityCode: input.slice(0, 6), sequence: input.slice(6, 14), checkDigit: input[14] };
}

export function checkRegistrationNumber(text: unknown): CheckResult<RegistrationNumber> {
  return toCheckResult(() => parseRegistrationNumber(text));
}
