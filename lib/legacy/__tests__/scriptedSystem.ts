import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test support for the legacy client: a real HTTP server whose behaviour each test scripts, able
 * to hold requests until the test answers or drops them, and a clock the test moves. Whether a
 * system answers, and how much time has passed, is then decided by the test, never by how busy
 * the machine running it is.
 */

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hold: () => void) => void;

export interface ScriptedSystem {
  url: string;
  /** requests received */
  hits(): number;
  /** most requests in flight at once (held ones included) */
  inFlightMax(): number;
  /** resolves once at least `n` requests are held */
  whenHeld(n: number): Promise<void>;
  /** answers every held request with `body` */
  answer(body?: string): void;
  /** cuts the connection of every held request, as a system that falls over */
  drop(): void;
  close(): Promise<void>;
}

export async function serve(handler: Handler): Promise<ScriptedSystem> {
  let hits = 0;
  let inFlight = 0;
  let inFlightMax = 0;
  let held: http.ServerResponse[] = [];
  let waiters: { n: number; resolve: () => void }[] = [];
  const wakeWaiters = () => {
    const ready = waiters.filter((w) => held.length >= w.n);
    waiters = waiters.filter((w) => held.length < w.n);
    for (const w of ready) w.resolve();
  };
  const server = http.createServer((req, res) => {
    hits++;
    inFlight++;
    inFlightMax = Math.max(inFlightMax, inFlight);
    res.on('close', () => inFlight--);
    handler(req, res, () => {
      held.push(res);
      wakeWaiters();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const release = (each: (res: http.ServerResponse) => void) => {
    const now = held;
    held = [];
    now.forEach(each);
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    inFlightMax: () => inFlightMax,
    whenHeld: (n) =>
      new Promise<void>((resolve) => {
        waiters.push({ n, resolve });
        wakeWaiters();
      }),
    answer: (body = 'ok') => release((res) => res.end(body)),
    drop: () => release((res) => res.destroy()),
    close: () =>
      new Promise((r) => {
        release((res) => res.destroy());
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Fakes only the clock (`Date`) and the interval the client's queue watchdog runs on; sockets,
 * per-attempt timeouts and retries keep real time. The test moves time on with
 * `jest.advanceTimersByTime(ms)`, which runs the watchdog's sweeps on the way. Undo with
 * `jest.useRealTimers()`.
 */
export function fakeClock(): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

/** One turn of the real event loop: every promise already settled has run its callbacks. */
export const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Outcomes of calls readable at any moment (undefined while a call is pending), and all of them once settled. */
export function watch<T>(calls: Promise<T>[]): { outcomes: (PromiseSettledResult<T> | undefined)[]; settled: Promise<PromiseSettledResult<T>[]> } {
  const outcomes: (PromiseSettledResult<T> | undefined)[] = calls.map(() => undefined);
  const settled = Promise.all(
    calls.map((call, i) =>
      call.then(
        (value) => void (outcomes[i] = { status: 'fulfilled', value }),
        (reason: unknown) => void (outcomes[i] = { status: 'rejected', reason }),
      ),
    ),
  ).then(() => outcomes as PromiseSettledResult<T>[]);
  return { outcomes, settled };
}
