import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The time a batch of legacy look-ups may take, carried to every call the batch makes without
 * threading it through each adapter: the section loader opens a budget around a batch, the legacy
 * client reads it. One subject's section gets one deadline from when it was asked — however the
 * call queues — while a batch of hundreds gets a deadline per round of the system's slots.
 */

export interface RequestBudget {
  /** when the batch was asked for */
  startedAt: number;
  /** how many look-ups the batch holds (calls it will make, at the least) */
  calls: number;
}

const storage = new AsyncLocalStorage<RequestBudget>();

export function withBudget<T>(budget: RequestBudget, fn: () => Promise<T>): Promise<T> {
  return storage.run(budget, fn);
}

export function currentBudget(): RequestBudget | undefined {
  return storage.getStore();
}
