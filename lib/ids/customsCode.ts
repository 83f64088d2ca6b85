import { isAsciiDigit, requireCharset, requireLength, requireString } from './characters';
import { requireDivision } from './divisions';
import { toCheckResult, type CheckResult } from './IdentifierError';

/**
 * The customs registration code (海关注册编码, 10 digits): 4-digit district (the first four digits
 * of the GB/T 2260 division where the enterprise registered), 1-digit economic zone, 1-digit
 * enterprise type, 4-digit sequence. It carries no check digit, so beyond the character set only
 * the district's province can be validated (legacy-systems.md, "Identifiers in play").
 */

const LABEL = 'Customs code (海关编码)';

export interface CustomsCode {
  code: string;
  /** digits 1-4 */
  districtCode: string;
  /** digit 5 (经济区划) */
  economicZone: string;
  /** digit 6 (企业经济类型) */
  enterpriseType: string;
  /** digits 7-10 */
  sequence: string;
  /** full name of the district's province, e.g. 福建省 */
  provinceName: string;
}

export function parseCustomsCode(text: unknown): CustomsCode {
  const input = requireString('CUSTOMS_CODE', LABEL, text);
  requireLength('CUSTOMS_CODE', LABEL, input, [10], '10 digits');
  requireCharset({ identifier: 'CUSTOMS_CODE', label: LABEL, isAllowed: isAsciiDigit, expectedAt: () => 'a digit 0-9' }, input);
  const province = requireDivision({
    identifier: 'CUSTOMS_CODE',
    label: `${LABEL} digits 1-2 (the district's province)`,
    code: `${input.slice(0, 2)}0000`,
    position: 1,
    match: 'province',
  });
  return {
    code: input,
    districtCode: input.slice(0, 4),
    economicZone: input[4],
    enterpriseType: input[5],
    sequence: input.slice(6),
    provinceName: province.province.name,
  };
}

export function checkCustomsCode(text: unknown): CheckResult<CustomsCode> {
  return toCheckResult(() => parseCustomsCode(text));
}
