import { CREDIT_LISTS } from '../../lib/credit/lists';
import { departmentConstant } from '../../lib/departments';
import { UnreachableCaseError } from '../../lib/errors';
import { mainlandDate } from '../../lib/loop/calendar';
import type { CommitmentStore } from '../../lib/loop/CommitmentStore';
import type { LoopEvent } from '../../lib/loop/loopSchema';
import type { Repair, RepairDecision, RepairPhase, RepairStatus, RepairStore } from '../../lib/loop/RepairStore';
import { listViewById } from './creditViews';
import { actorOf, badInput, checkId, decideAsHandler, forbidden, mayReadCase, queueArgs, text, type LoopContext } from './objections';
import { currentListings } from './currentListings';

/**
 * 信用修复 in the graph. The subject applies for a listing it is on, as the credit check shows it
 * to the subject; the catalogue (lib/credit/lists.ts) says whether the list is repairable and from
 * when; the designating department's handler (role government with that `department` claim)
 * approves or refuses; auditors read every case.
 */

export interface RepairContext extends LoopContext {
  loaders: LoopContext['loaders'] & { loop: LoopContext['loaders']['loop'] & { repairs: RepairStore; commitments: CommitmentStore; clock: () => Date } };
}

/** `YYYY-MM-DD` plus whole months (a listing's since + the catalogue's afterMonths) */
function addMonths(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

export interface ApplyForRepairInput {
  uscc: string;
  listId: string;
  commitmentText: string;
  reason: string;
}

export async function applyForRepair(ctx: RepairContext, input: ApplyForRepairInput): Promise<Repair> {
  const { consumer } = ctx;
  if (consumer.role !== 'subject' || consumer.subject !== input.uscc) throw forbidden('Only the subject itself may apply to repair its credit');
  const list = CREDIT_LISTS.find((l) => l.id === input.listId);
  if (!list) throw badInput(`listId must be a list of the catalogue, e.g. market.serious-violation; got ${input.listId}`);
  if (!list.repair) throw badInput(`${list.name} (${list.id}) is a red list: there is nothing to repair`);
  // serious dishonesty: the department lifts the listing itself (e.g. the court once the obligation is performed)
  if (!list.repair.repairable) throw forbidden(`${list.name} (${list.id}) cannot be repaired on application: ${list.repair.basis}`);
  const commitmentText = text('commitmentText', input.commitmentText);
  const reason = text('reason', input.reason);
  const now = ctx.loaders.loop.clock();
  const [listing] = await currentListings({
    subgraphUrls: ctx.loaders.loop.config.subgraphUrls,
    internalTokenSecret: ctx.loaders.loop.config.internalTokenSecret,
    consumer,
    requestId: ctx.requestId,
    uscc: input.uscc,
    lists: [list],
    asOf: now,
  });
  if (!listing) throw forbidden(`${input.uscc} is not on ${list.name} (${list.id}) as the credit check shows it: there is nothing to repair`);
  const { afterMonths } = list.repair;
  if (afterMonths && listing.since) {
    const from = addMonths(listing.since, afterMonths);
    if (mainlandDate(now) < from) {
      throw forbidden(`${list.name} may be repaired ${afterMonths} months after the listing (since ${listing.since}): apply from ${from}`);
    }
  }
  return ctx.loaders.loop.repairs.apply({ uscc: input.uscc, list, listedSince: listing.since, reason, commitmentText }, actorOf(consumer));
}

export interface DecideRepairInput {
  id: string;
  uscc: string;
  decision: RepairDecision;
  text?: string | null;
}

function decisionText(decision: RepairDecision, value: string | null | undefined): string | null {
  switch (decision) {
    case 'APPROVED':
      return value && value.trim() !== '' ? text('text', value) : null;
    case 'REFUSED':
      return text('text (the reasons)', value);
    default:
      throw new UnreachableCaseError(decision);
  }
}

export async function decideRepair(ctx: RepairContext, input: DecideRepairInput): Promise<Repair> {
  checkId(input.id, 'a repair');
  const { consumer } = ctx;
  const note = decisionText(input.decision, input.text);
  return decideAsHandler(consumer, ctx.loaders.loop.repairs, { ...input, note }, 'Only a handler of the department that designates the list may decide the repair');
}


export async function repair(ctx: RepairContext, id: string): Promise<Repair> {
  checkId(id, 'a repair');
  const found = await ctx.loaders.loop.repairs.byId(id);
  if (!found || !mayReadCase(ctx.consumer, found)) throw forbidden('Repairs are readable by their subject, the designating department and auditors');
  return found;
}

export interface RepairFilterInput {
  department?: string | null;
  status?: RepairStatus | null;
  overdue?: boolean | null;
  uscc?: string | null;
}

/** the queue: a handler's own department, an auditor's any, a subject's own applications */
export async function repairs(ctx: RepairContext, args: { filter: RepairFilterInput; first?: number | null }): Promise<Repair[]> {
  const { filter, first } = queueArgs<RepairStatus>(ctx.consumer, args, 'repairs');
  return ctx.loaders.loop.repairs.list(filter, first);
}

const decidedAt = (phase: { decidedAt: Date }) => phase.decidedAt.toISOString();

export const repairTypes = {
  Repair: {
    list: (r: Repair) => listViewById(r.listId),
    department: (r: Repair) => departmentConstant(r.department),
    status: (r: Repair) => r.phase.status,
    appliedAt: (r: Repair) => r.appliedAt.toISOString(),
    commitment: (r: Repair, _: unknown, ctx: RepairContext) => ctx.loaders.loop.commitments.byId(r.commitmentId),
    history: (r: Repair, _: unknown, ctx: RepairContext): Promise<LoopEvent[]> => ctx.loaders.loop.history.load(r.id),
  },
  RepairApproved: { decidedAt },
  RepairRefused: { decidedAt },
  RepairPhase: {
    __resolveType: (phase: RepairPhase) => {
      switch (phase.status) {
        case 'PENDING':
          return 'RepairPending';
        case 'APPROVED':
          return 'RepairApproved';
        case 'REFUSED':
          return 'RepairRefused';
        default:
          throw new UnreachableCaseError(phase);
      }
    },
  },
};
