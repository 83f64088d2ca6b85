import type { GraphQLError } from 'graphql';
import type { Consumer } from '../../lib/auth/consumer';
import type { Consent, ConsentStore } from '../../lib/consent/ConsentStore';
import { clientError } from '../../lib/errors';

/** Who may do what with consents (SPEC §5): only the subject grants and revokes its own. */

/** the longest a consent may run; a bank asks again after that */
export const MAX_CONSENT_DAYS = 3 * 366;
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

function forbidden(message: string): GraphQLError {
  return clientError('FORBIDDEN', message);
}
function badInput(message: string): GraphQLError {
  return clientError('BAD_USER_INPUT', message);
}

export interface GrantInput {
  subject: string;
  grantee: string;
  purpose: string;
  expiresAt: string;
}

export async function grantConsent(store: ConsentStore, consumer: Consumer, input: GrantInput): Promise<Consent> {
  if (consumer.role !== 'subject' || consumer.subject !== input.subject) {
    throw forbidden('Only the subject itself may grant consent to its data');
  }
  if (!NAME_PATTERN.test(input.grantee)) throw badInput('grantee must be an organization id (letters, digits, . _ : -; at most 100)');
  if (!NAME_PATTERN.test(input.purpose)) throw badInput('purpose must be a short name such as financing');
  const expiresAt = new Date(input.expiresAt);
  const now = Date.now();
  if (expiresAt.getTime() <= now) throw badInput('expiresAt must be in the future');
  if (expiresAt.getTime() > now + MAX_CONSENT_DAYS * 86_400_000) throw badInput(`expiresAt may be at most ${MAX_CONSENT_DAYS} days ahead`);
  return store.grant({ subject: input.subject, grantee: input.grantee, purpose: input.purpose, expiresAt });
}

export async function revokeConsent(store: ConsentStore, consumer: Consumer, id: string): Promise<Consent> {
  if (!ID_PATTERN.test(id)) throw badInput('id must be a consent id');
  const existing = await store.byId(id);
  // Same answer for "not yours" and "does not exist": ids are not an oracle.
  if (!existing || consumer.role !== 'subject' || consumer.subject !== existing.subject) {
    throw forbidden('Only the subject itself may revoke its consent');
  }
  const revoked = await store.revoke(id);
  if (!revoked) throw forbidden('Only the subject itself may revoke its consent');
  return revoked;
}

export async function listConsents(store: ConsentStore, consumer: Consumer, uscc: string): Promise<Consent[]> {
  switch (consumer.role) {
    case 'subject':
      if (consumer.subject !== uscc) throw forbidden('A subject may read only its own consents');
      return store.forSubject(uscc);
    case 'auditor':
      return store.forSubject(uscc);
    case 'bank':
      return store.forSubject(uscc, consumer.org);
    case 'public':
    case 'government':
      throw forbidden('Consents are readable by the subject, auditors, and a bank for its own grants');
  }
}
