import type { Commitment, CommitmentStore } from '../../lib/loop/CommitmentStore';
import { actorOf, forbidden, text, type LoopContext } from './objections';

/** 信用承诺 in the graph: signed by the subject itself (role subject, its own code), public. */

export interface CommitmentContext extends LoopContext {
  loaders: LoopContext['loaders'] & { loop: LoopContext['loaders']['loop'] & { commitments: CommitmentStore } };
}

export async function signCommitment(ctx: CommitmentContext, args: { uscc: string; scenario: string; text: string }): Promise<Commitment> {
  const { consumer } = ctx;
  if (consumer.role !== 'subject' || consumer.subject !== args.uscc) throw forbidden('Only the subject itself may sign its credit commitment');
  return ctx.loaders.loop.commitments.sign({ uscc: args.uscc, scenario: args.scenario, text: text('text', args.text) }, actorOf(consumer));
}

export const commitmentTypes = {
  Commitment: {
    signedAt: (c: Commitment) => c.signedAt.toISOString(),
  },
};

/** `Subject.commitments`: public (信用承诺 are published), newest first */
export function subjectCommitments(subject: { uscc: string }, _args: unknown, ctx: CommitmentContext): Promise<Commitment[]> {
  return ctx.loaders.loop.commitments.forSubject(subject.uscc);
}
