import { buildSchema } from 'graphql';
import type { AccessMap, AccessPolicies } from '../../lib/authz/accessPolicies';

/**
 * A small graph of the supergraph's shape for the operationRewrite and resultWalk unit tests:
 * fixed here so a change to the real SDL does not move what these tests pin down.
 */
export const schema = buildSchema(`
  type Query {
    subject(uscc: String!): Subject
    subjects(usccs: [String!]!): [Subject]!
    auditTrail(uscc: String): [String!]
  }
  type Subject { uscc: String! name: String customs: Customs finance: Finance source: Source }
  type Customs { customsCode: String creditClass: String }
  type Finance { loanBalance: String overdueDays: Int }
  type Source { department: String }
`);

export const access: AccessMap = new Map<string, AccessPolicies>([
  ['Query.subject', [['AUTHENTICATED']]],
  ['Query.subjects', [['AUTHENTICATED']]],
  ['Query.auditTrail', [['AUTHENTICATED']]],
  ['Subject.uscc', [['PUBLIC']]],
  ['Subject.name', [['PUBLIC']]],
  ['Subject.customs', [['PUBLIC']]],
  ['Customs.customsCode', [['GOVERNMENT']]],
  ['Subject.finance', [['FINANCING']]],
]);

export const A = '91110101MAAL0CXK0M';
export const B = '91350100M000100Y43';
