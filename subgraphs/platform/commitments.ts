import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import type { Config } from '../../lib/config';
import type { RequestInfo } from '../../lib/subgraph/createSubgraph';
import type { Listing } from '../../lib/credit/evaluate';
import { CREDIT_LISTS } from '../../lib/credit/lists';
import { mainlandDate, type Clock } from '../../lib/loop/calendar';
import type { Commitment, CommitmentStore } from '../../lib/loop/CommitmentStore';
import { approvedRepairs } from '../../lib/loop/RepairStore';
import { currentListingsOfMany } from './currentListings';
import { listView } from './creditViews';
import { actorOf, forbidden, text, type LoopContext } from './objections';

/** 信用承诺 in the graph: signed by the subject itself (role subject, its own code), public. */

export interface CommitmentContext extends LoopContext {
  loaders: LoopContext['loaders'] & { loop: LoopContext['loaders']['loop'] & { commitments: CommitmentStore; clock: Clock; blackListings: DataLoader<string, Listing[]> } };
}

const BLACK_LISTS = CREDIT_LISTS.filter((l) => l.kind === 'BLACK');

/**
 * The subjects' black listings now, for this request's reader: asked once per request and subject
 * however many commitments are read, and for every subject of the request together (one call per
 * department, one query for their approved repairs — a repaired listing is out of the check, so it
 * is no breach either).
 */
export function blackListingsLoader(pool: Pool, config: Config, clock: Clock, request: RequestInfo): DataLoader<string, Listing[]> {
  return new DataLoader(
    async (usccs) => {
      const repairs = await approvedRepairs(pool, usccs);
      return currentListingsOfMany({
        subgraphUrls: config.subgraphUrls,
        internalTokenSecret: config.internalTokenSecret,
        consumer: request.consumer,
        requestId: request.requestId,
        subjects: usccs.map((uscc, i) => ({ uscc, repairs: repairs[i] })),
        lists: BLACK_LISTS,
        asOf: clock(),
      });
    },
    { maxBatchSize: 500 },
  );
}

/**
 * 违背承诺: the black listings that began after the day the commitment was signed, from the
 * subject's current listings as the credit check shows them to this reader. A listing without a
 * date (a tax grade's year) cannot be placed after the signature and is not counted. A department
 * that does not answer makes the field an error (DEPARTMENT_UNAVAILABLE), never "not breached".
 */
async function breachesOf(c: Commitment, ctx: CommitmentContext) {
  const signedOn = mainlandDate(c.signedAt);
  const listings = await ctx.loaders.loop.blackListings.load(c.uscc);
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
