/**
 * A FIFO of calls waiting for one of `limit` slots. A waiting call gives up when it has waited
 * `maxWaitMs`, or earlier when the system has stalled — no call succeeded for `stallMs`: a busy
 * system keeps answering however long the queue, a hung or failing one does not, and queueing
 * behind calls that will only time out helps nobody.
 */
export class Semaphore {
  private active = 0;
  /** last time a call in a slot succeeded: a failing or hung system makes no progress */
  private lastProgressAt = Date.now();
  private readonly waiting: Waiter[] = [];
  /** one watchdog for the whole queue, running only while someone waits */
  private watchdog: NodeJS.Timeout | undefined;
  constructor(readonly limit: number) {}

  /** runs `fn` in a slot */
  async run<T>(fn: () => Promise<T>, wait: { maxWaitMs?: number; stallMs?: number } = {}): Promise<T> {
    if (this.active < this.limit) this.active += 1;
    else await this.slot(wait);
    try {
      const value = await fn();
      this.lastProgressAt = Date.now();
      return value;
    } finally {
      // The slot passes straight to the next waiter, so no newcomer can slip in between.
      const next = this.waiting.shift();
      if (next) next.wake();
      else this.active -= 1;
      if (this.waiting.length === 0) this.stopWatchdog();
    }
  }

  private slot({ maxWaitMs, stallMs }: { maxWaitMs?: number; stallMs?: number }): Promise<void> {
    return new Promise<void>((wake, reject) => {
      this.waiting.push({ wake, reject, queuedAt: Date.now(), maxWaitMs, stallMs });
      if (!this.watchdog && (maxWaitMs !== undefined || stallMs !== undefined)) {
        this.watchdog = setInterval(() => this.sweep(), 50);
        this.watchdog.unref();
      }
    });
  }

  private sweep(): void {
    const now = Date.now();
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i];
      let reason: string | undefined;
      if (w.maxWaitMs !== undefined && now - w.queuedAt >= w.maxWaitMs) reason = `no free slot within ${w.maxWaitMs} ms`;
      else if (w.stallMs !== undefined && now - Math.max(w.queuedAt, this.lastProgressAt) >= w.stallMs) {
        reason = `no call succeeded for ${w.stallMs} ms: the system is not answering`;
      }
      if (reason) {
        this.waiting.splice(i, 1);
        w.reject(new Error(reason));
      }
    }
    if (this.waiting.length === 0) this.stopWatchdog();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }
}

interface Waiter {
  wake(): void;
  reject(e: Error): void;
  queuedAt: number;
  maxWaitMs?: number;
  stallMs?: number;
}
