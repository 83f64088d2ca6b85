import type { Subject } from '../../legacy/world';
import type { BenchContext } from './context';
import { postGraphQL, summarizeErrors } from './http';

/**
 * 信用核查 (issue 11) of each subject, one request after another, timed end to end: the platform
 * root, the departments' sections the check requires in one parallel hop, then the platform
 * again to evaluate and record the check — one hop more than the plain profile.
 */
export const CREDIT_CHECK_QUERY = `query($uscc: USCC!) { subject(uscc: $uscc) { creditCheck(scenario: PROCUREMENT) {
  id verdict missingDepartments listings { list { id } since evidence { field value } } measures { id effect text } } } }`;

export interface CheckRun {
  samplesMs: number[];
  /** responses with an error, a non-200 status, or an INCOMPLETE check */
  failed: number;
  errors: Record<string, number>;
}

export async function sequentialChecks(ctx: BenchContext, subjects: Subject[]): Promise<CheckRun> {
  const samplesMs: number[] = [];
  const errors = new Map<string, number>();
  let failed = 0;
  for (const s of subjects) {
    const r = await postGraphQL(ctx.stack.gatewayUrl, CREDIT_CHECK_QUERY, { variables: { uscc: s.uscc }, token: ctx.token });
    samplesMs.push(r.ms);
    const check = r.body.data?.subject?.creditCheck;
    if (r.status !== 200 || r.body.errors?.length || !check || check.verdict === 'INCOMPLETE') failed++;
    summarizeErrors(r.body.errors, errors);
  }
  return { samplesMs, failed, errors: Object.fromEntries(errors) };
}
