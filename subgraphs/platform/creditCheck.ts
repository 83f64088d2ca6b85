import { randomUUID } from 'node:crypto';
import { FINANCING_PURPOSE, isSelf } from '../../lib/authz/decide';
import type { CheckRecord } from '../../lib/credit/CreditCheckStore';
import { CREDIT_LISTS } from '../../lib/credit/lists';
import { CATALOGUE_VERSION, evaluateCheck, type CheckOutcome, type Listing } from '../../lib/credit/evaluate';
import type { Scenario } from '../../lib/credit/measures';
import type { EvidenceItem, Row } from '../../lib/credit/rules';
import type { OpenObjection } from '../../lib/loop/disputes';
import { departmentConstant } from '../../lib/departments';
import { UnreachableCaseError, clientError } from '../../lib/errors';
import type { SubgraphContext } from '../../lib/subgraph/createSubgraph';
import { checkReads, mayReadList, type CheckerFacts } from './creditAccess';
import { listView, measureView } from './creditViews';
import type { PlatformLoaders } from './loaders';

type Context = SubgraphContext<PlatformLoaders>;

/**
 * Who may run a check (issue 11): government any; public the public-list part (its lists are cut
 * by mayReadList); a bank only with the subject's consent for financing; the subject itself.
 * Auditors read recorded checks (creditChecks), they do not run them.
 */
async function checkerFacts(ctx: Context, subject: string): Promise<CheckerFacts> {
  const { consumer } = ctx;
  switch (consumer.role) {
    case 'government':
    case 'public':
      return { consumer, subject, consentId: null };
    case 'subject':
      if (!isSelf(consumer, subject)) throw clientError('FORBIDDEN', `Not authorized to check subject ${subject}: a subject token checks only its own code`);
      return { consumer, subject, consentId: null };
    case 'bank': {
      const consentId = consumer.purpose === FINANCING_PURPOSE ? await ctx.consents.load(subject) : null;
      if (!consentId) {
        throw clientError('CONSENT_REQUIRED', `A bank's credit check of ${subject} needs the subject's active consent to ${consumer.org} for purpose ${FINANCING_PURPOSE}`);
      }
      ctx.consentsUsed.set(subject, consentId);
      return { consumer, subject, consentId };
    }
    case 'auditor':
      throw clientError('FORBIDDEN', 'Auditors read recorded credit checks (creditChecks); they do not run them');
    default:
      throw new UnreachableCaseError(consumer.role);
  }
}

/** who is told that a listing was repaired (public display only shows it gone) */
function mayKnowRepairs(role: Context['consumer']['role']): boolean {
  switch (role) {
    case 'government':
    case 'subject':
      return true;
    case 'public':
    case 'bank':
    case 'auditor':
      return false;
    default:
      throw new UnreachableCaseError(role);
  }
}

/**
 * The open objection on the record a value comes from (标注异议 in the check): same department,
 * record type and identifier; a customs profile is the subject's only one, whatever its code.
 */
function disputeOf(item: EvidenceItem, department: string, open: readonly OpenObjection[]) {
  const found = open.find(
    (o) => o.department === department && o.recordType === item.record.type && (item.record.type === 'CustomsProfile' || o.recordRef === item.record.ref),
  );
  return found ? { id: found.id, status: 'OPEN' as const, dueOn: found.dueOn } : null;
}

function listingView(l: Listing, open: readonly OpenObjection[]) {
  const evidence = l.evidence.map((e) => ({ field: e.coordinate, value: e.value, source: e.source, dispute: disputeOf(e, l.list.department, open) }));
  return {
    list: listView(l.list),
    department: departmentConstant(l.list.department),
    since: l.since,
    evidence,
    disputed: evidence.some((e) => e.dispute !== null),
  };
}

/** `Subject.creditCheck(scenario)`: `subject` carries the `@requires` sections as the gateway fetched them. */
export async function creditCheck(subject: Row & { uscc: string }, args: { scenario: Scenario }, ctx: Context) {
  const facts = await checkerFacts(ctx, subject.uscc);
  const checkedAt = new Date();
  const [repairs, open] = await Promise.all([ctx.loaders.approvedRepairs.load(subject.uscc), ctx.loaders.openObjections.load(subject.uscc)]);
  const outcome: CheckOutcome = evaluateCheck({ scenario: args.scenario, data: subject, mayRead: (list) => mayReadList(list, facts), asOf: checkedAt, repairs });
  const id = randomUUID();
  const record: CheckRecord = {
    id,
    subject: subject.uscc,
    scenario: args.scenario,
    verdict: outcome.verdict,
    checkedAt,
    checker: { id: ctx.consumer.id, org: ctx.consumer.org, role: ctx.consumer.role },
    lists: outcome.listings.map((l) => l.list.id),
    measures: outcome.measures.map((m) => m.id),
    missingDepartments: outcome.missingDepartments.map(departmentConstant),
    listsNotChecked: outcome.listsNotChecked.map((l) => l.id),
    catalogueVersion: CATALOGUE_VERSION,
  };
  // recorded before it is answered: a check nobody can find later was never run
  await ctx.loaders.recordCheck.load(record);
  // every field the @requires fetch read, for the ledger, whether or not a list used it
  ctx.loaders.checkReads.push(...checkReads(CREDIT_LISTS, subject, facts, id));
  return {
    id,
    subject: subject.uscc,
    scenario: args.scenario,
    verdict: outcome.verdict,
    checkedAt: checkedAt.toISOString(),
    listings: outcome.listings.map((l) => listingView(l, open)),
    // 信用修复 taken out of the check; named to the government and the subject, not in public display
    repairedListings: mayKnowRepairs(ctx.consumer.role)
      ? outcome.repairedListings.map((l) => ({ list: listView(l.list), since: l.since, repair: { id: l.repair.id, approvedOn: l.repair.approvedOn } }))
      : [],
    measures: outcome.measures.map(measureView),
    missingDepartments: record.missingDepartments,
    listsUndetermined: outcome.listsUndetermined.map(listView),
    listsNotChecked: outcome.listsNotChecked.map(listView),
    catalogueVersion: CATALOGUE_VERSION,
  };
}
