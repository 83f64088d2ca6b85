import type { Subject } from '../../legacy/world';
import type { BenchContext } from './context';
import { postGraphQL, summarizeErrors } from './http';
import { SECTIONS } from './profileQuery';

/**
 * The full profile of each subject, one request after another (no concurrency), timed end to end.
 * Each subject is asked once: with distinct subjects no cache can serve the answer.
 */

export interface SequentialRun {
  samplesMs: number[];
  usccs: string[];
  /** responses with at least one GraphQL error or a non-200 status */
  failed: number;
  errors: Record<string, number>;
  /** sections that came back null, by section (a null section may be a department without a record) */
  nullSections: Record<string, number>;
}

export interface SequentialOptions {
  /** the gateway asked (default: ours) */
  url?: string;
  /** more headers for the request about `subject` */
  headers?(subject: Subject): Record<string, string>;
}

export async function sequentialProfiles(ctx: BenchContext, subjects: Subject[], options: SequentialOptions = {}): Promise<SequentialRun> {
  const url = options.url ?? ctx.stack.gatewayUrl;
  const samplesMs: number[] = [];
  const errors = new Map<string, number>();
  const nullSections: Record<string, number> = {};
  let failed = 0;
  for (const s of subjects) {
    const r = await postGraphQL(url, ctx.profileQuery, { variables: { uscc: s.uscc }, token: ctx.token, headers: options.headers?.(s) });
    samplesMs.push(r.ms);
    if (r.status !== 200 || r.body.errors?.length) failed++;
    summarizeErrors(r.body.errors, errors);
    if (r.status !== 200 && !r.body.errors?.length) errors.set(`HTTP ${r.status}`, (errors.get(`HTTP ${r.status}`) ?? 0) + 1);
    const subject = r.body.data?.subject;
    for (const section of SECTIONS) if (!subject?.[section]) nullSections[section] = (nullSections[section] ?? 0) + 1;
  }
  return { samplesMs, usccs: subjects.map((s) => s.uscc), failed, errors: Object.fromEntries(errors), nullSections };
}

/**
 * Warm-up requests (JIT, connection pools) on subjects that are not measured; after a stand-in
 * restart they also wait until every department answers again. Returns how many were sent.
 */
export async function warmUp(ctx: BenchContext, subjects: Subject[], options: { untilClean?: boolean; maxTries?: number } = {}): Promise<number> {
  let sent = 0;
  for (const s of subjects) {
    await postGraphQL(ctx.stack.gatewayUrl, ctx.profileQuery, { variables: { uscc: s.uscc }, token: ctx.token });
    sent++;
  }
  if (!options.untilClean) return sent;
  for (let tries = options.maxTries ?? 20; tries > 0; tries--) {
    const [s] = ctx.pool.take(1);
    if (!s) break;
    const r = await postGraphQL(ctx.stack.gatewayUrl, ctx.profileQuery, { variables: { uscc: s.uscc }, token: ctx.token });
    sent++;
    if (r.status === 200 && !r.body.errors?.length) return sent;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the gateway still answered with errors after ${sent} warm-up requests`);
}
