import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The time a batch of legacy look-ups may take, carried to every call the batch makes without
 * threading it through each adapter: the section loader opens a budget around a batch, the legacy
 * client reads it. One subject's section gets one deadline — however the call queues — while a
 * batch of hundreds gets a deadline per round of the system's slots.
 *
 * For a fetch about one subject — a profile page, a 信用核查 at a service hall — the department's
 * timeout is what the consumer waits for it (SPEC §6), so the time the request waited before
 * reaching this subgraph counts too: under load a request can spend a good part of a second in
 * the gateway and the platform hop first. The gateway says how long it has held the request
 * (REQUEST_AGE_HEADER, relative like gRPC's grpc-timeout, so no two hosts' clocks are compared);
 * the subgraph runs such a fetch in a RequestClock, each batch's time starts that much before it
 * was asked, and a reserve is kept back for the answer's way back (the rest of the subgraph, the
 * gateway's merge, audit commit and send). The subgraph's own staging is not charged: a later
 * step (tax by old number, customs' CSV after the mapping) starts its own time.
 *
 * A fetch about many subjects is a batch job: its answer waits for the slowest department's
 * rounds anyway, and it may have queued for admission at the gateway, so it gets no clock and
 * each batch its timeout per round from when it was asked. Charging it the wait cut slow but
 * working systems short for nothing — measured: 100-code market calls of a 500-subject request,
 * left 1.3 s of their 2 s, failed for 143 subjects.
 */

/** Sent by the gateway with every subgraph fetch: whole milliseconds it has held the consumer's request. */
export const REQUEST_AGE_HEADER = 'x-request-age-ms';

/** Longest age believed (a larger or malformed header is a bug or a forgery: the request counts as just received). */
const MAX_REQUEST_AGE_MS = 600_000;

export interface RequestClock {
  /** how long the consumer's request had waited before this subgraph received it */
  waitedMs: number;
  /** kept back from every deadline for the answer's way back to the consumer */
  reserveMs: number;
}

export interface RequestBudget {
  /** when the time started: the batch being asked for, less the time the request waited to reach this subgraph */
  startedAt: number;
  /** how many look-ups the batch holds (calls it will make, at the least) */
  calls: number;
  /** kept back from the deadline (RequestClock.reserveMs) */
  reserveMs: number;
}

/** How long the request had waited, from the age the gateway sent; 0 without one (a direct call) or for a malformed one. */
export function requestWaitedMs(ageHeader: string | string[] | undefined): number {
  if (typeof ageHeader !== 'string' || !/^\d{1,9}$/.test(ageHeader)) return 0;
  const age = Number(ageHeader);
  return age > MAX_REQUEST_AGE_MS ? 0 : age;
}

const clocks = new AsyncLocalStorage<RequestClock>();
const budgets = new AsyncLocalStorage<RequestBudget>();

/** Runs one subgraph request's execution with its clock, read by every batch it makes. */
export function withRequestClock<T>(clock: RequestClock, fn: () => Promise<T>): Promise<T> {
  return clocks.run(clock, fn);
}

/** The budget of a batch of `calls` calls asked for now, in the current request's clock when it has one. */
export function budgetFor(calls: number): RequestBudget {
  const clock = clocks.getStore();
  return { startedAt: Date.now() - (clock?.waitedMs ?? 0), calls, reserveMs: clock?.reserveMs ?? 0 };
}

export function withBudget<T>(budget: RequestBudget, fn: () => Promise<T>): Promise<T> {
  return budgets.run(budget, fn);
}

export function currentBudget(): RequestBudget | undefined {
  return budgets.getStore();
}
