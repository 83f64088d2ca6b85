import type { Consumer } from '../auth/consumer';
import type { ErrorCode } from '../errors';
import type { AccessPolicies, PolicyName } from './accessPolicies';

/**
 * The access rules of SPEC §5, in one place:
 *
 * | class      | who may read                                                                  |
 * | PUBLIC     | every authenticated consumer (a subject only about itself, issue #4)          |
 * | GOVERNMENT | role government                                                               |
 * | FINANCING  | bank whose token's purpose is `financing` with an ACTIVE consent from the     |
 * |            | subject for that purpose; government with purpose `financial-supervision`     |
 * | SELF       | role subject whose token's subject is this uscc — reads every class           |
 *
 * AUTHENTICATED (root fields: any verified consumer; the subject's own fields decide the rest).
 * PUBLISHED_TAX_GRADE_A holds when the value itself is a grade A, which tax publishes.
 *
 * Purpose binding (征信业管理条例: data is used only for the purpose the subject agreed to). The
 * consent is looked up by the token's own purpose, so a consent for one purpose never answers a
 * token stating another, or none. SPEC §5 names the purpose of FINANCING data — `financing` — so a
 * bank reads it only when its token's purpose is exactly `financing`: a subject who consented to,
 * say, `marketing` has not agreed to its loan book being read for marketing. A future
 * purpose-scoped class gets its own purpose constant and the same two checks.
 */

export const FINANCING_PURPOSE = 'financing';
export const SUPERVISION_PURPOSE = 'financial-supervision';
const OTHER_SUBJECT_REASON = 'a subject token reads only its own code';

export interface AccessFacts {
  consumer: Consumer;
  /** the subject the field belongs to; null when it cannot be told (then SELF and FINANCING fail closed) */
  subject: string | null;
  /** the bank's ACTIVE consent from this subject for the token's own purpose (null: none, or no purpose) */
  consentId: string | null;
  /** the object the field is read from (for value-based policies) */
  parent?: unknown;
}

export type Decision =
  | { granted: true; reason: string; consentId: string | null }
  | { granted: false; code: Extract<ErrorCode, 'FORBIDDEN' | 'CONSENT_REQUIRED'>; reason: string };

export function isSelf(consumer: Consumer, subject: string | null): boolean {
  return consumer.role === 'subject' && subject !== null && consumer.subject === subject;
}

/**
 * Each policy, written once: whether it holds for this reader, subject and data. Everything else
 * (decide, everReadable, needsConsent's question) is derived from these.
 */
const POLICIES: Record<PolicyName, (facts: AccessFacts) => boolean> = {
  AUTHENTICATED: () => true,
  PUBLIC: ({ consumer, subject }) => consumer.role !== 'subject' || isSelf(consumer, subject),
  GOVERNMENT: ({ consumer }) => consumer.role === 'government',
  FINANCING: ({ consumer, consentId }) =>
    (consumer.role === 'bank' && consumer.purpose === FINANCING_PURPOSE && consentId !== null) ||
    (consumer.role === 'government' && consumer.purpose === SUPERVISION_PURPOSE),
  SELF: ({ consumer, subject }) => isSelf(consumer, subject),
  PUBLISHED_TAX_GRADE_A: (facts) => POLICIES.PUBLIC(facts) && (facts.parent as { grade?: unknown } | undefined)?.grade === 'A',
};

const holds = (policy: PolicyName, facts: AccessFacts): boolean => POLICIES[policy](facts);

/** whether the bank's consent for its token's purpose must be looked up to decide these policies */
export function needsConsent(policies: AccessPolicies, consumer: Consumer): boolean {
  return consumer.role === 'bank' && consumer.purpose !== null && policies.some((all) => all.includes('FINANCING'));
}

/** Why a bank was refused FINANCING data: names the grantee, the purpose needed and the token's. */
function consentRefusal(consumer: Consumer): string {
  const needed = `needs the subject's active consent to ${consumer.org} for purpose ${FINANCING_PURPOSE}`;
  if (consumer.purpose === null) return `${needed}; this token states no purpose`;
  if (consumer.purpose !== FINANCING_PURPOSE) return `${needed}; this token's purpose is ${consumer.purpose}`;
  return `${needed}; none is active`;
}

export function decide(policies: AccessPolicies, facts: AccessFacts): Decision {
  const { consumer } = facts;
  if (isSelf(consumer, facts.subject)) return { granted: true, reason: 'SELF', consentId: null };
  for (const all of policies) {
    if (all.every((p) => holds(p, facts))) {
      const viaConsent = all.includes('FINANCING') && consumer.role === 'bank';
      return { granted: true, reason: all.join('+'), consentId: viaConsent ? facts.consentId : null };
    }
  }
  // A bank that could read this with the subject's consent is told so: CONSENT_REQUIRED.
  const consentWouldHelp =
    consumer.role === 'bank' && policies.some((all) => all.every((p) => p === 'FINANCING' || holds(p, facts)));
  if (consentWouldHelp) return { granted: false, code: 'CONSENT_REQUIRED', reason: consentRefusal(consumer) };
  // A subject token is refused another subject's data for who it is, not for a missing class.
  if (consumer.role === 'subject' && !isSelf(consumer, facts.subject)) return { granted: false, code: 'FORBIDDEN', reason: OTHER_SUBJECT_REASON };
  return { granted: false, code: 'FORBIDDEN', reason: requirement(policies) };
}

/** "requires GOVERNMENT or FINANCING": what the policies ask of a reader. */
export function requirement(policies: AccessPolicies): string {
  return `requires ${policies.map((all) => all.join('+')).join(' or ')}`;
}

/**
 * Could a consumer with this role and purpose ever read the field, whatever the subject and data?
 * The gateway refuses the rest before planning (no subgraph is asked). Derived from `decide` over
 * the most permissive facts a reader of this role can meet — its own subject (SELF), a consent on
 * file, a grade A — so no policy is written twice: readable when that decision grants, or when it
 * is a bank's CONSENT_REQUIRED (a refusal that depends on the subject, told at run time).
 */
export function everReadable(policies: AccessPolicies, reader: Pick<Consumer, 'role' | 'purpose'>): boolean {
  const decision = decide(policies, mostPermissiveFacts(reader));
  return decision.granted || decision.code === 'CONSENT_REQUIRED';
}

const ANY_SUBJECT = 'any subject';

function mostPermissiveFacts(reader: Pick<Consumer, 'role' | 'purpose'>): AccessFacts {
  const consumer: Consumer = { id: '', org: '', role: reader.role, purpose: reader.purpose, subject: ANY_SUBJECT };
  return { consumer, subject: ANY_SUBJECT, consentId: 'any consent', parent: { grade: 'A' } };
}
