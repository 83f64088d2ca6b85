import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The time a batch of legacy look-ups may take, carried to every call the batch makes without
 * threading it through each adapter: the section loader opens a budget around a batch, the legacy
 * client reads it. One subject's section gets one deadline — however the call queues — while a
 * batch of hundreds gets a deadline per round of the system's slots.
 *
 * The deadline counts from when the consumer's request reached the gateway, not from when this
 * subgraph got to the batch: under load a request can wait in the gateway and the platform hop
 * for a good part of a second first, and a department's timeout is what the consumer waits for
 * it (SPEC §6). The gateway says how long it has held the request (REQUEST_AGE_HEADER, relative
 * like gRPC's grpc-timeout, so no two hosts' clocks are compared), and a reserve is kept back
 * from every deadline for the answer's way back: the rest of the subgraph, the gateway's merge,
 * audit commit and send.
 */

/** Sent by the gateway with every subgraph fetch: whole milliseconds it has held the consumer's request. */
export const REQUEST_AGE_HEADER = 'x-request-age-ms';

/** Longest age believed (a larger or malformed header is a bug or a forgery: the request counts as just received). */
const MAX_REQUEST_AGE_MS = 600_000;

export interface RequestClock {
  /** when the consumer's request reached the gateway, on this process's clock (ms since the epoch) */
  receivedAt: number;
  /** kept back from every deadline for the answer's way back to the consumer */
  reserveMs: number;
}

export interface RequestBudget {
  /** when the time started: the consumer's request reaching the gateway, else the batch being asked for */
  startedAt: number;
  /** how many look-ups the batch holds (calls it will make, at the least) */
  calls: number;
  /** kept back from the deadline (RequestClock.reserveMs) */
  reserveMs: number;
}

/**
 * When the consumer's request reached the gateway, from the age the gateway sent and the moment
 * this process received the fetch. No header (a test calling a subgraph directly): `receivedAt`.
 */
export function requestReceivedAt(ageHeader: string | string[] | undefined, receivedAt: number): number {
  if (typeof ageHeader !== 'string' || !/^\d{1,9}$/.test(ageHeader)) return receivedAt;
  const age = Number(ageHeader);
  return age > MAX_REQUEST_AGE_MS ? receivedAt : receivedAt - age;
}

const clocks = new AsyncLocalStorage<RequestClock>();
const budgets = new AsyncLocalStorage<RequestBudget>();

/** Runs one subgraph request's execution with its clock: every batch it makes counts from `receivedAt`. */
export function withRequestClock<T>(clock: RequestClock, fn: () => Promise<T>): Promise<T> {
  return clocks.run(clock, fn);
}

/** The budget of a batch asked for now, in the current request's clock when there is one. */
export function budgetFor(calls: number): RequestBudget {
  const clock = clocks.getStore();
  return clock ? { startedAt: clock.receivedAt, calls, reserveMs: clock.reserveMs } : { startedAt: Date.now(), calls, reserveMs: 0 };
}

export function withBudget<T>(budget: RequestBudget, fn: () => Promise<T>): Promise<T> {
  return budgets.run(budget, fn);
}

export function currentBudget(): RequestBudget | undefined {
  return budgets.getStore();
}
