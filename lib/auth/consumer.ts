import { DEPARTMENTS, type Department } from '../departments';

/** The verified consumer of a request, as the gateway states it to the subgraphs. */

export const ROLES = ['public', 'government', 'bank', 'auditor', 'subject'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export interface Consumer {
  /** `sub` of the consumer's token */
  id: string;
  /** organization id (a bank's org id is the consent grantee) */
  org: string;
  role: Role;
  /** declared purpose of use, e.g. `financing`, `financial-supervision` */
  purpose: string | null;
  /** for role `subject`: the USCC the token speaks for */
  subject: string | null;
  /**
   * for role `government`: the department whose handler this is (异议, 信用修复 decisions of its
   * own records only); absent or null for every other consumer
   */
  department?: Department | null;
}

export function isDepartment(value: unknown): value is Department {
  return typeof value === 'string' && (DEPARTMENTS as readonly string[]).includes(value);
}
