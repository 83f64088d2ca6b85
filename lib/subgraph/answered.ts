/**
 * `Subject.<department>Answered`: whether a department's system answered (live, from the cache,
 * or a stale copy) the look-ups behind the sections the credit check reads. The platform's check
 * gets those sections through `@requires`, and federation hands a `@requires` resolver data only,
 * never the errors: a null section alone cannot tell "no record" (customs for most subjects) from
 * "the system is down". The same loads as the section fields, deduplicated by the request's
 * loaders, so the answer costs no extra legacy call.
 */
export async function answered(loads: readonly Promise<unknown>[]): Promise<boolean> {
  const settled = await Promise.allSettled(loads);
  return settled.every((r) => r.status === 'fulfilled');
}
