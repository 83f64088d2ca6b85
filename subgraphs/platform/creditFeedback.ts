import type { Consumer } from '../../lib/auth/consumer';
import type { CheckFilter, CheckRecord, Feedback } from '../../lib/credit/CreditCheckStore';
import { UnreachableCaseError, clientError } from '../../lib/errors';
import { pageSizeError } from '../../lib/graphql/pageSizes';
import type { SubgraphContext } from '../../lib/subgraph/createSubgraph';
import { listViewById, measureViewById } from './creditViews';
import type { PlatformLoaders } from './loaders';

/**
 * 反馈: the checking office records what it did about each measure of its check, and auditors (and
 * the subject, about itself) read the checks with that feedback.
 */

type Context = SubgraphContext<PlatformLoaders>;

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOTE_MAX_CHARS = 2000;
/** PostgreSQL text cannot hold a NUL; a note is prose, line breaks allowed */
const NOTE_PATTERN = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
const FILTER_TEXT = /^[^\u0000-\u001f\u007f]{0,200}$/;

const feedbackView = (f: Feedback) => ({ ...f, recordedAt: f.recordedAt.toISOString() });

export async function recordMeasure(ctx: Context, args: { checkId: string; measure: string; outcome: string; note?: string | null }) {
  const refused = clientError('FORBIDDEN', 'Only the office that ran a credit check records feedback on it');
  if (!ID_PATTERN.test(args.checkId)) throw clientError('BAD_USER_INPUT', 'checkId must be a credit check id');
  const check = await ctx.loaders.checks.byId(args.checkId);
  // Same answer for "not yours" and "does not exist": check ids are not an oracle.
  if (!check || check.checker.org !== ctx.consumer.org || check.checker.role !== ctx.consumer.role) throw refused;
  if (!check.measures.includes(args.measure)) {
    throw clientError('BAD_USER_INPUT', `measure ${JSON.stringify(args.measure.slice(0, 100))} is not one of this check's measures (${check.measures.join(', ') || 'none'})`);
  }
  const note = args.note ?? null;
  if (note !== null && (note.length > NOTE_MAX_CHARS || !NOTE_PATTERN.test(note))) {
    throw clientError('BAD_USER_INPUT', `note must be at most ${NOTE_MAX_CHARS} characters, without control characters`);
  }
  const { consumer } = ctx;
  const feedback = await ctx.loaders.checks.addFeedback({
    checkId: check.id,
    measure: args.measure,
    outcome: args.outcome,
    note,
    recordedBy: { id: consumer.id, org: consumer.org, role: consumer.role },
  });
  return feedbackView(feedback);
}

/** auditors: every check; a subject: the checks of itself; nobody else any */
function scopedFilter(consumer: Consumer, filter: CheckFilter): CheckFilter {
  switch (consumer.role) {
    case 'auditor':
      return filter;
    case 'subject':
      if (filter.uscc && filter.uscc !== consumer.subject) throw clientError('FORBIDDEN', 'A subject may read only the credit checks of itself');
      return { ...filter, uscc: consumer.subject };
    case 'public':
    case 'government':
    case 'bank':
      throw clientError('FORBIDDEN', 'Recorded credit checks are readable by auditors and by the subject checked');
    default:
      throw new UnreachableCaseError(consumer.role);
  }
}

export async function creditChecks(ctx: Context, args: { filter: CheckFilter; first: number }) {
  const filter = scopedFilter(ctx.consumer, args.filter);
  const badFirst = pageSizeError('Query.creditChecks', args.first);
  if (badFirst) throw badFirst;
  if (filter.checkerOrg && !FILTER_TEXT.test(filter.checkerOrg)) throw clientError('BAD_USER_INPUT', 'filter.checkerOrg must be at most 200 characters, without control characters');
  if (filter.id && !ID_PATTERN.test(filter.id)) throw clientError('BAD_USER_INPUT', 'filter.id must be a credit check id');
  const checks = await ctx.loaders.checks.find(filter, args.first);
  const feedback = await ctx.loaders.checks.feedbackFor(checks.map((c) => c.id));
  return checks.map((c: CheckRecord) => ({
    ...c,
    checkedAt: c.checkedAt.toISOString(),
    lists: c.lists.flatMap((id) => listViewById(id) ?? []),
    measures: c.measures.flatMap((id) => measureViewById(id) ?? []),
    listsNotChecked: c.listsNotChecked.flatMap((id) => listViewById(id) ?? []),
    feedback: (feedback.get(c.id) ?? []).map(feedbackView),
  }));
}
