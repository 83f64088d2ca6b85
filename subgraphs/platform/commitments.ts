import type { Listing } from '../../lib/credit/evaluate';
import { CREDIT_LISTS } from '../../lib/credit/lists';
import { mainlandDate, type Clock } from '../../lib/loop/calendar';
import type { Commitment, CommitmentStore } from '../../lib/loop/CommitmentStore';
import { approvedRepairs } from '../../lib/loop/RepairStore';
import { currentListings } from './currentListings';
import { listView } from './creditViews';
import { actorOf, forbidden, text, type LoopContext } from './objections';

/** 信用承诺 in the graph: signed by the subject itself (role subject, its own code), public. */

export interface CommitmentContext extends LoopContext {
  loaders: LoopContext['loaders'] & { loop: LoopContext['loaders']['loop'] & { commitments: CommitmentStore; clock: Clock } };
}

const BLACK_LISTS = CREDIT_LISTS.filter((l) => l.kind === 'BLACK');

/** the subject's black listings now, asked once per request and subject however many commitments are read */
const blackListings = new WeakMap<object, Map<string, Promise<Listing[]>>>();

function blackListingsOf(ctx: CommitmentContext, uscc: string): Promise<Listing[]> {
  let bySubject = blackListings.get(ctx);
  if (!bySubject) blackListings.set(ctx, (bySubject = new Map()));
  let listings = bySubject.get(uscc);
  if (!listings) {
    listings = (async () =>
      currentListings({
        subgraphUrls: ctx.loaders.loop.config.subgraphUrls,
        internalTokenSecret: ctx.loaders.loop.config.internalTokenSecret,
        consumer: ctx.consumer,
        requestId: ctx.requestId,
        uscc,
        lists: BLACK_LISTS,
        asOf: ctx.loaders.loop.clock(),
        // a repaired listing is out of the check, so it is no breach either
        repairs: (await approvedRepairs(ctx.pool, [uscc]))[0],
      }))();
    bySubject.set(uscc, listings);
  }
  return listings;
}

/**
 * 违背承诺: the black listings that began after the day the commitment was signed, from the
 * subject's current listings as the credit check shows them to this reader. A listing without a
 * date (a tax grade's year) cannot be placed after the signature and is not counted. A department
 * that does not answer makes the field an error (DEPARTMENT_UNAVAILABLE), never "not breached".
 */
async function breachesOf(c: Commitment, ctx: CommitmentContext) {
  const signedOn = mainlandDate(c.signedAt);
  const listings = await blackListingsOf(ctx, c.uscc);
  return listings.filter((l) => l.since !== null && l.since > signedOn).map((l) => ({ list: listView(l.list), since: l.since }));
}

export async function signCommitment(ctx: CommitmentContext, args: { uscc: string; scenario: string; text: string }): Promise<Commitment> {
  const { consumer } = ctx;
  if (consumer.role !== 'subject' || consumer.subject !== args.uscc) throw forbidden('Only the subject itself may sign its credit commitment');
  return ctx.loaders.loop.commitments.sign({ uscc: args.uscc, scenario: args.scenario, text: text('text', args.text) }, actorOf(consumer));
}

export const commitmentTypes = {
  Commitment: {
    signedAt: (c: Commitment) => c.signedAt.toISOString(),
    breachedBy: (c: Commitment, _: unknown, ctx: CommitmentContext) => breachesOf(c, ctx),
    breached: async (c: Commitment, _: unknown, ctx: CommitmentContext) => (await breachesOf(c, ctx)).length > 0,
  },
};

/** `Subject.commitments`: public (信用承诺 are published), newest first */
export function subjectCommitments(subject: { uscc: string }, _args: unknown, ctx: CommitmentContext): Promise<Commitment[]> {
  return ctx.loaders.loop.commitments.forSubject(subject.uscc);
}
