/**
 * Identifier library: every identifier the five departments use for a credit subject, validated
 * the same way everywhere (legacy-systems.md, "Identifiers in play"). Each `parseX` throws an
 * IdentifierError naming the broken rule; each `checkX` returns `{ ok, value | error }` instead.
 */
export { IdentifierError, toCheckResult } from './IdentifierError';
export type { CheckResult, IdentifierErrorOptions, IdentifierName, IdentifierRule } from './IdentifierError';
export {
  USCC_CHARSET,
  checkUscc,
  composeUscc,
  courtOrganizationCode,
  oldTaxRegistrationNumber,
  parseUscc,
  usccCheckCharacter,
} from './uscc';
export type { Uscc, UsccParts } from './uscc';
export { SUBJECT_KINDS, SUBJECT_KIND_LABELS, USCC_ENTITY_TYPES, entityTypeDefinition } from './subjectKinds';
export type { EntityTypeDefinition, SubjectKind } from './subjectKinds';
export {
  checkOrganizationCode,
  formatOrganizationCode,
  organizationCodeCheckCharacter,
  parseOrganizationCode,
} from './organizationCode';
export type { OrganizationCode } from './organizationCode';
export { checkRegistrationNumber, parseRegistrationNumber, registrationNumberCheckDigit } from './registrationNumber';
export type { RegistrationNumber } from './registrationNumber';
export { checkCitizenId, citizenIdCheckCharacter, maskCitizenId, parseCitizenId } from './citizenId';
export type { CitizenId } from './citizenId';
export { checkCustomsCode, parseCustomsCode } from './customsCode';
export type { CustomsCode } from './customsCode';
export { describeDivision, listDivisions, provinceName, regionName } from './divisions';
export type { Division, DivisionLevel, DivisionPart } from './divisions';
