import { quote, requireCharset, requireLength, requireString } from './characters';
import { requireDivision } from './divisions';
import { IdentifierError, toCheckResult, type CheckResult, type IdentifierName } from './IdentifierError';
import { formatOrganizationCode, organizationCodeCheckOf } from './organizationCode';
import {
  entityTypeDefinition,
  registrationAuthorityDefinition,
  REGISTRATION_AUTHORITY_CODES,
  type EntityTypeDefinition,
  type SubjectKind,
} from './subjectKinds';

/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a
 * 31-character set (digits and upper-case letters without I, O, Z, S, V):
 *   1 registration authority · 2 entity type · 3-8 GB/T 2260 division of the registering office ·
 *   9-17 GB 11714 organization code (8-character body + its own check) · 18 check character.
 * Rules are checked in that order, so the error names the first thing a person got wrong.
 */

export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const LABEL = 'USCC';
const STANDARD = 'GB 32100-2015';
const EXCLUDED_LETTERS = new Set(['I', 'O', 'Z', 'S', 'V']);
const USCC_CHARSET_WORDS = 'a digit or an upper-case letter other than I, O, Z, S and V';

const VALUES = new Map(Array.from(USCC_CHARSET, (ch, value) => [ch, value]));
const isUsccCharacter = (ch: string): boolean => VALUES.has(ch);

export interface Uscc {
  code: string;
  /** position 1, e.g. "9" (工商) */
  registrationAuthority: string;
  /** position 2, e.g. "1" (企业) */
  entityType: string;
  kind: SubjectKind;
  /** 登记管理部门, e.g. 工商 */
  registrationAuthorityName: string;
  /** 机构类别, e.g. 企业 */
  entityTypeName: string;
  /** positions 3-8 */
  divisionCode: string;
  /** GB/T 2260 division of the registering office; name in full, e.g. 福建省福州市 or 福建省福州市鼓楼区 */
  region: { code: string; name: string };
  /** positions 9-17 */
  organizationCode: string;
  /** `XXXXXXXX-C`, as courts write it */
  organizationCodeFormatted: string;
  /** position 18 */
  checkCharacter: string;
}

function sumOf(first17: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (VALUES.get(first17[i]) ?? 0) * WEIGHTS[i];
  return sum;
}

const checkOf = (first17: string): string => USCC_CHARSET[(31 - (sumOf(first17) % 31)) % 31];

const CHARSET_RULE = {
  identifier: 'USCC' as const,
  label: LABEL,
  isAllowed: isUsccCharacter,
  expectedAt: () => USCC_CHARSET_WORDS,
  explain: (ch: string) => (EXCLUDED_LETTERS.has(ch) ? `a letter ${STANDARD} never uses (no I, O, Z, S or V)` : undefined),
};

/** Check character of the first 17 characters: 31 − (Σ value × 3^(i−1) mod 31, mod 31), 31 → "0". */
export function usccCheckCharacter(first17: string): string {
  const input = requireString('USCC', 'USCC without check character', first17);
  requireLength('USCC', 'USCC without check character', input, [17], '17 characters');
  requireCharset({ ...CHARSET_RULE, label: 'USCC without check character' }, input);
  return checkOf(input);
}

function requireEntityType(identifier: IdentifierName, authority: string, type: string): EntityTypeDefinition {
  const authorityDefinition = registrationAuthorityDefinition(authority);
  if (!authorityDefinition) {
    throw new IdentifierError({
      identifier,
      rule: 'registrationAuthority',
      position: 1,
      message: `${LABEL} registration authority (position 1) ${quote(authority)} is not defined by ${STANDARD}, expected one of ${REGISTRATION_AUTHORITY_CODES.join(' ')}`,
    });
  }
  const definition = entityTypeDefinition(authority, type);
  if (!definition) {
    throw new IdentifierError({
      identifier,
      rule: 'entityType',
      position: 2,
      message: `${LABEL} entity type (position 2) ${quote(type)} is not defined for registration authority ${authority} (${authorityDefinition.name}) by ${STANDARD}, expected one of ${authorityDefinition.entityTypes.join(' ')}`,
    });
  }
  return definition;
}

const DIVISION_LABEL = `${LABEL} positions 3-8 (the registering office's division)`;

/** Parses and validates a USCC; throws IdentifierError naming the first rule broken. */
export function parseUscc(code: unknown): Uscc {
  const input = requireString('USCC', LABEL, code);
  requireLength('USCC', LABEL, input, [18], '18 characters');
  requireCharset(CHARSET_RULE, input);
  const definition = requireEntityType('USCC', input[0], input[1]);
  const divisionCode = input.slice(2, 8);
  const division = requireDivision({ identifier: 'USCC', label: DIVISION_LABEL, code: divisionCode, position: 3, match: 'exact' });
  const expected = checkOf(input);
  if (input[17] !== expected) {
    throw new IdentifierError({
      identifier: 'USCC',
      rule: 'check',
      position: 18,
      message: `${LABEL} check character is "${input[17]}", expected "${expected}" (${STANDARD})`,
    });
  }
  const organizationCode = input.slice(8, 17);
  const organizationCheck = organizationCodeCheckOf(organizationCode.slice(0, 8));
  if (organizationCode[8] !== organizationCheck) {
    throw new IdentifierError({
      identifier: 'USCC',
      rule: 'organizationCode',
      position: 17,
      message: `${LABEL} embedded organization code ${formatOrganizationCode(organizationCode)} (positions 9-17) has check character "${organizationCode[8]}", expected "${organizationCheck}" (GB 11714-1997)`,
    });
  }
  return {
    code: input,
    registrationAuthority: definition.registrationAuthority,
    entityType: definition.entityType,
    kind: definition.kind,
    registrationAuthorityName: definition.authorityName,
    entityTypeName: definition.typeName,
    divisionCode,
    region: { code: divisionCode, name: division.name },
    organizationCode,
    organizationCodeFormatted: formatOrganizationCode(organizationCode),
    checkCharacter: input[17],
  };
}

export function checkUscc(code: unknown): CheckResult<Uscc> {
  return toCheckResult(() => parseUscc(code));
}

export interface UsccParts {
  /** position 1 */
  registrationAuthority: string;
  /** position 2 */
  entityType: string;
  /** six-digit GB/T 2260 code */
  divisionCode: string;
  /** the 8-character organization code body, in the USCC character set */
  organizationBody: string;
}

/** Builds a valid USCC from its parts, computing both check characters; throws IdentifierError on a bad part. */
export function composeUscc(parts: UsccParts): string {
  const { registrationAuthority, entityType, divisionCode, organizationBody } = parts;
  requireEntityType('USCC', String(registrationAuthority), String(entityType));
  requireDivision({ identifier: 'USCC', label: DIVISION_LABEL, code: String(divisionCode), position: 3, match: 'exact' });
  const body = requireString('USCC', 'Organization body', organizationBody);
  requireLength('USCC', 'Organization body', body, [8], '8 characters');
  requireCharset({ ...CHARSET_RULE, label: 'Organization body' }, body);
  const organizationCheck = organizationCodeCheckOf(body);
  const first17 = registrationAuthority + entityType + divisionCode + body + organizationCheck;
  return first17 + checkOf(first17);
}

/**
 * The pre-2015 税务登记号: division + organization code, i.e. USCC positions 3-17 (15 characters).
 * Tax knows taxpayers registered before the reform only by this number (legacy-systems.md §2).
 */
export function oldTaxRegistrationNumber(uscc: string): string {
  return parseUscc(uscc).code.slice(2, 17);
}

/** The organization code as courts write it, `XXXXXXXX-C` (legacy-systems.md §3). */
export function courtOrganizationCode(uscc: string): string {
  return parseUscc(uscc).organizationCodeFormatted;
}
