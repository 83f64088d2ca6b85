import type { Consumer, Role } from '../auth/consumer';
import type { AccessPolicies, PolicyName } from './accessPolicies';

/**
 * The access rules of SPEC §5, in one place:
 *
 * | class      | who may read                                                                  |
 * | PUBLIC     | every authenticated consumer (a subject only about itself, issue #4)          |
 * | GOVERNMENT | role government                                                               |
 * | FINANCING  | bank with an ACTIVE `financing` consent from the subject; government with     |
 * |            | purpose `financial-supervision`                                               |
 * | SELF       | role subject whose token's subject is this uscc — reads every class           |
 *
 * AUTHENTICATED (root fields: any verified consumer; the subject's own fields decide the rest).
 * PUBLISHED_TAX_GRADE_A holds when the value itself is a grade A, which tax publishes.
 */

export const FINANCING_PURPOSE = 'financing';
export const SUPERVISION_PURPOSE = 'financial-supervision';

export interface AccessFacts {
  consumer: Consumer;
  /** the subject the field belongs to; null when it cannot be told (then SELF and FINANCING fail closed) */
  subject: string | null;
  /** the consumer's ACTIVE financing consent for this subject, when the consumer is a bank */
  consentId: string | null;
  /** the object the field is read from (for value-based policies) */
  parent?: unknown;
}

export type Decision =
  | { granted: true; reason: string; consentId: string | null }
  | { granted: false; code: 'FORBIDDEN' | 'CONSENT_REQUIRED'; reason: string };

export function isSelf(consumer: Consumer, subject: string | null): boolean {
  return consumer.role === 'subject' && subject !== null && consumer.subject === subject;
}

function holds(policy: PolicyName, facts: AccessFacts): boolean {
  const { consumer } = facts;
  switch (policy) {
    case 'AUTHENTICATED':
      return true;
    case 'PUBLIC':
      return consumer.role !== 'subject' || isSelf(consumer, facts.subject);
    case 'GOVERNMENT':
      return consumer.role === 'government';
    case 'FINANCING':
      return (
        (consumer.role === 'bank' && facts.consentId !== null) ||
        (consumer.role === 'government' && consumer.purpose === SUPERVISION_PURPOSE)
      );
    case 'SELF':
      return isSelf(consumer, facts.subject);
    case 'PUBLISHED_TAX_GRADE_A':
      return (
        (consumer.role !== 'subject' || isSelf(consumer, facts.subject)) &&
        (facts.parent as { grade?: unknown } | undefined)?.grade === 'A'
      );
  }
}

/** whether the consumer's bank consent must be looked up to decide these policies */
export function needsConsent(policies: AccessPolicies, consumer: Consumer): boolean {
  return consumer.role === 'bank' && policies.some((all) => all.includes('FINANCING'));
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
  if (consentWouldHelp) return { granted: false, code: 'CONSENT_REQUIRED', reason: 'no active financing consent from the subject' };
  return { granted: false, code: 'FORBIDDEN', reason: `requires ${policies.map((all) => all.join('+')).join(' or ')}` };
}

/**
 * Could a consumer with this role and purpose ever read the field, whatever the subject and data?
 * The gateway refuses the rest before planning (no subgraph is asked).
 */
export function everReadable(policies: AccessPolicies, consumer: Pick<Consumer, 'role' | 'purpose'>): boolean {
  if (consumer.role === 'subject') return true; // SELF reads every class of its own data
  const possible = (p: PolicyName, role: Role): boolean => {
    switch (p) {
      case 'AUTHENTICATED':
      case 'PUBLIC':
      case 'PUBLISHED_TAX_GRADE_A':
        return true;
      case 'GOVERNMENT':
        return role === 'government';
      case 'FINANCING':
        return role === 'bank' || (role === 'government' && consumer.purpose === SUPERVISION_PURPOSE);
      case 'SELF':
        return false;
    }
  };
  return policies.some((all) => all.every((p) => possible(p, consumer.role)));
}
