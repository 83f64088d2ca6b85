import { DepartmentUnavailableError } from '../../errors';
import { LegacyBusyError, LegacyClient, type LegacyClientOptions } from '../LegacyClient';
import { budgetFor, withBudget, withRequestClock } from '../requestBudget';
import { fakeClock, serve as serveScripted, turn, watch, type Handler, type ScriptedSystem } from './scriptedSystem';

/**
 * The shared legacy client against a real HTTP server whose behaviour each test scripts
 * (the department stand-ins exercise it again through every adapter). Where a rule is about time
 * (deadlines, a stalled queue), the test holds the system's answers and moves a fake clock, so
 * the outcome never depends on how busy the machine is.
 */

const systems: ScriptedSystem[] = [];
const clients: LegacyClient[] = [];
async function serve(handler: Handler): Promise<ScriptedSystem> {
  const system = await serveScripted(handler);
  systems.push(system);
  return system;
}
function newClient(options: LegacyClientOptions): LegacyClient {
  const client = new LegacyClient(options);
  clients.push(client);
  return client;
}
afterEach(async () => {
  // systems first: a client's close waits for its calls in flight, which held requests never finish
  await Promise.all(systems.splice(0).map((s) => s.close()));
  await Promise.all(clients.splice(0).map((c) => c.close()));
  jest.useRealTimers();
});

const rejectedAsUnavailable = (o: PromiseSettledResult<unknown> | undefined, reason: RegExp) =>
  o?.status === 'rejected' && o.reason instanceof DepartmentUnavailableError && reason.test(o.reason.message);

const parseText = (r: { body: Buffer }) => r.body.toString('utf8');
const read = (client: LegacyClient, path = '/x') => client.call({ method: 'GET', path, idempotent: true, parse: parseText });

describe('LegacyClient', () => {
  it('retries an idempotent read once after a 5xx and returns the answer', async () => {
    let n = 0;
    const s = await serve((_req, res) => {
      n++;
      if (n === 1) {
        res.writeHead(500).end('java.lang.NullPointerException at com.gov.Service');
      } else res.end('ok');
    });
    const client = newClient({ department: 'market', baseUrl: s.url, timeoutMs: 2000, retries: 1 });
    await expect(client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText })).resolves.toBe('ok');
    expect(s.hits()).toBe(2);
  });

  it('never retries a call that is not idempotent', async () => {
    const s = await serve((_req, res) => res.writeHead(500).end('boom'));
    const client = newClient({ department: 'market', baseUrl: s.url, timeoutMs: 2000, retries: 3 });
    await expect(client.call({ method: 'POST', path: '/x', idempotent: false, parse: parseText })).rejects.toBeInstanceOf(DepartmentUnavailableError);
    expect(s.hits()).toBe(1);
  });

  it('gives up at its deadline when the system never answers, without leaking the URL', async () => {
    const s = await serve(() => undefined);
    const client = newClient({ department: 'tax', baseUrl: s.url, timeoutMs: 300, retries: 2 });
    const error = await client.call({ method: 'GET', path: '/hang', idempotent: true, parse: parseText }).catch((e) => e);
    expect(error).toBeInstanceOf(DepartmentUnavailableError);
    expect(error.department).toBe('tax');
    expect(error.message).toMatch(/timed out/);
    expect(error.message).not.toMatch(/127\.0\.0\.1|http:|\/hang/);
  });

  it('retries a "busy" answer the adapter recognizes, but not an unusable one', async () => {
    const busy = await serve((_req, res) => res.end('{"code":"9999"}'));
    const client = newClient({ department: 'market', baseUrl: busy.url, timeoutMs: 2000, retries: 1 });
    await expect(
      client.call({
        method: 'GET',
        path: '/x',
        idempotent: true,
        parse: () => {
          throw new LegacyBusyError('9999');
        },
      }),
    ).rejects.toBeInstanceOf(DepartmentUnavailableError);
    expect(busy.hits()).toBe(2);
    await expect(
      client.call({
        method: 'GET',
        path: '/x',
        idempotent: true,
        parse: () => {
          throw new Error('garbage');
        },
      }),
    ).rejects.toBeInstanceOf(DepartmentUnavailableError);
    expect(busy.hits()).toBe(3);
  });

  it('honours Retry-After on a 429', async () => {
    let n = 0;
    const s = await serve((_req, res) => {
      n++;
      if (n === 1) res.writeHead(429, { 'retry-after': '0' }).end();
      else res.end('ok');
    });
    const client = newClient({ department: 'court', baseUrl: s.url, timeoutMs: 2000, retries: 1 });
    await expect(client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText })).resolves.toBe('ok');
    expect(s.hits()).toBe(2);
  });

  it('keeps at most maxConcurrency requests in flight and queues the rest', async () => {
    const s = await serve((_req, res) => setTimeout(() => res.end('ok'), 30));
    const client = newClient({ department: 'court', baseUrl: s.url, timeoutMs: 5000, maxConcurrency: 8 });
    const results = await Promise.all(Array.from({ length: 30 }, () => client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText })));
    expect(results).toHaveLength(30);
    expect(s.inFlightMax()).toBeLessThanOrEqual(8);
    expect(s.hits()).toBe(30);
  });

  it('opens its circuit after repeated failures and then stops calling the system', async () => {
    const s = await serve((_req, res) => res.writeHead(500).end('down'));
    const client = newClient({
      department: 'customs',
      baseUrl: s.url,
      timeoutMs: 1000,
      retries: 0,
      breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 },
    });
    for (let i = 0; i < 5; i++) {
      await client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText }).catch(() => undefined);
    }
    expect(client.circuitState).toBe('open');
    const before = s.hits();
    const error = await client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText }).catch((e) => e);
    expect(error).toBeInstanceOf(DepartmentUnavailableError);
    expect(s.hits()).toBe(before);
  });

  it('serves a long batch in turn behind its slots while the system keeps answering', async () => {
    fakeClock();
    const s = await serve((_req, _res, hold) => hold());
    // 20 calls, 2 at a time, each turn taking 6 s: the last waits 54 s for its slot, far beyond
    // a call's 10 s deadline, yet each call has its whole deadline once it has a slot
    const client = newClient({ department: 'court', baseUrl: s.url, timeoutMs: 10_000, maxConcurrency: 2, queueTimeoutMs: 600_000, retries: 0 });
    const batch = Promise.all(Array.from({ length: 20 }, () => read(client)));
    for (let turnNo = 0; turnNo < 10; turnNo++) {
      // a call failing in the queue fails the batch here, instead of leaving the test waiting
      await Promise.race([s.whenHeld(2), batch]);
      jest.advanceTimersByTime(6_000);
      s.answer();
    }
    expect(await batch).toEqual(Array(20).fill('ok'));
  });

  it("lets a batch's calls wait past the queue limit while its budget lasts and the system keeps answering", async () => {
    fakeClock();
    const s = await serve((_req, _res, hold) => hold());
    const client = newClient({ department: 'court', baseUrl: s.url, timeoutMs: 10_000, maxConcurrency: 2, queueTimeoutMs: 5_000, retries: 0 });
    // one batch of 20 look-ups: 10 rounds of the 2 slots, a budget of 100 s; each turn takes 6 s,
    // so the last call waits 54 s for its slot — past the 5 s queue limit, within the budget
    const budget = budgetFor(20);
    const batch = Promise.all(Array.from({ length: 20 }, () => withBudget(budget, () => read(client))));
    for (let turnNo = 0; turnNo < 10; turnNo++) {
      await Promise.race([s.whenHeld(2), batch]);
      jest.advanceTimersByTime(6_000);
      s.answer();
    }
    expect(await batch).toEqual(Array(20).fill('ok'));
  });

  it('lets queued calls give up when the system hangs, instead of waiting out the whole queue', async () => {
    fakeClock();
    let hung = false;
    const s = await serve((_req, res, hold) => (hung ? hold() : res.end('ok')));
    const client = newClient({ department: 'court', baseUrl: s.url, timeoutMs: 10_000, maxConcurrency: 2, queueTimeoutMs: 600_000, retries: 0 });
    for (let i = 0; i < 10; i++) await read(client);
    hung = true;
    const inSlots = watch([read(client), read(client)]);
    const queued = watch(Array.from({ length: 38 }, () => read(client)));
    await s.whenHeld(2);
    // most of a deadline without an answer: the queue keeps waiting, as behind a slow system
    jest.advanceTimersByTime(9_000);
    await turn();
    expect(queued.outcomes.filter(Boolean)).toEqual([]);
    // a whole deadline without one call answered: the system hangs, and the 38 queued give up at
    // once instead of one deadline after another (19 more) or their 600 s queue limit
    jest.advanceTimersByTime(2_000);
    await turn();
    expect(queued.outcomes.every((o) => rejectedAsUnavailable(o, /not answering/))).toBe(true);
    expect(s.hits()).toBe(10 + 2);
    expect(inSlots.outcomes).toEqual([undefined, undefined]);
    s.drop();
    await inSlots.settled;
  });

  it('lets a queued call give up when no slot frees within its queue limit', async () => {
    fakeClock();
    const s = await serve((_req, _res, hold) => hold());
    const client = newClient({ department: 'court', baseUrl: s.url, timeoutMs: 60_000, maxConcurrency: 1, queueTimeoutMs: 5_000, retries: 0 });
    const inSlot = watch([read(client)]);
    const queued = watch([read(client)]);
    await s.whenHeld(1);
    jest.advanceTimersByTime(4_000);
    await turn();
    expect(queued.outcomes).toEqual([undefined]);
    jest.advanceTimersByTime(2_000);
    await turn();
    expect(rejectedAsUnavailable(queued.outcomes[0], /no free slot within 5000 ms/)).toBe(true);
    expect(s.hits()).toBe(1);
    s.answer();
    expect(await inSlot.settled).toEqual([{ status: 'fulfilled', value: 'ok' }]);
  });

  it('answers each lone request within its own deadline however the calls queue (request budget)', async () => {
    fakeClock();
    const s = await serve((_req, _res, hold) => hold());
    const client = newClient({ department: 'court', baseUrl: s.url, timeoutMs: 10_000, maxConcurrency: 1, queueTimeoutMs: 600_000, retries: 0 });
    // five requests of one subject each, arriving together behind the one slot, each having
    // waited 4 s before reaching the subgraph: 6 s left of their 10 s
    const lone = () => withBudget({ startedAt: Date.now() - 4_000, calls: 1, reserveMs: 0 }, () => read(client));
    const requests = watch(Array.from({ length: 5 }, lone));
    await s.whenHeld(1);
    jest.advanceTimersByTime(5_000);
    await turn();
    expect(requests.outcomes.filter(Boolean)).toEqual([]);
    // their 6 s are up: the four still queued give up, where the queue alone would keep them
    // 600 s and a stalled system 10 s
    jest.advanceTimersByTime(2_000);
    await turn();
    expect(requests.outcomes.slice(1).every((o) => rejectedAsUnavailable(o, /no free slot/))).toBe(true);
    expect(s.hits()).toBe(1);
    s.answer();
    expect((await requests.settled)[0]).toEqual({ status: 'fulfilled', value: 'ok' });
  });

  it('opens its circuit after calls fail in a row, however many successes its rolling window still holds', async () => {
    let failing = false;
    const s = await serve((_req, res) => (failing ? res.writeHead(500).end('down') : res.end('ok')));
    const client = newClient({ department: 'court', baseUrl: s.url, timeoutMs: 1000, retries: 0, breaker: { resetTimeoutMs: 60_000 } });
    const get = () => client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText });
    for (let i = 0; i < 40; i++) await get();
    failing = true;
    const before = s.hits();
    for (let i = 0; i < 12; i++) await get().catch(() => undefined);
    // 12 failures beside 40 successes is a 23 % error rate: the rolling window alone stays closed
    expect(s.hits() - before).toBe(5);
    expect(client.circuitState).toBe('open');
  });

  it('does not count a call that failed against the system while other calls were being answered', async () => {
    const s = await serve((req, res, hold) => (req.url === '/fast' ? res.end('ok') : hold()));
    const client = newClient({ department: 'court', baseUrl: s.url, timeoutMs: 60_000, retries: 0, maxConcurrency: 16, breaker: { resetTimeoutMs: 60_000 } });
    const stuck = watch(Array.from({ length: 6 }, () => read(client, '/stuck')));
    await s.whenHeld(6);
    // while the six are stuck, the system answers others: it is up, those six were unlucky
    for (let i = 0; i < 10; i++) expect(await read(client, '/fast')).toBe('ok');
    s.drop();
    expect((await stuck.settled).every((o) => rejectedAsUnavailable(o, /network error/))).toBe(true);
    // six failures in a row would open it (five do), and 6 of 16 is under the 50 % error rate
    expect(client.circuitState).toBe('closed');
    expect(await read(client, '/fast')).toBe('ok');
  });

  it('never calls the system for a request whose deadline has already passed, nor counts it against the circuit', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    const client = newClient({ department: 'court', baseUrl: s.url, timeoutMs: 1000, retries: 0, breaker: { resetTimeoutMs: 60_000 } });
    const late = { startedAt: Date.now() - 5000, calls: 1, reserveMs: 0 };
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => withBudget(late, () => client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText }))));
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof DepartmentUnavailableError)).toBe(true);
    expect(s.hits()).toBe(0);
    expect(client.circuitState).toBe('closed');
    expect(await client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText })).toBe('ok');
  });

  it("counts the time the request waited to reach the subgraph against a batch's deadline, less the reserve", async () => {
    fakeClock();
    const s = await serve((req, res, hold) => (req.url === '/held' ? hold() : res.end('ok')));
    const client = newClient({ department: 'court', baseUrl: s.url, timeoutMs: 60_000, retries: 0 });
    const ask = (clock: { waitedMs: number; reserveMs: number }, path = '/x') => withRequestClock(clock, () => withBudget(budgetFor(1), () => read(client, path)));
    // waited 30 s before reaching the subgraph and 30 s kept back for the way back: nothing is
    // left of the 60 s, so the system is not even asked
    await expect(ask({ waitedMs: 30_000, reserveMs: 30_000 })).rejects.toThrow(/no time left/);
    expect(s.hits()).toBe(0);
    // the same request with nothing kept back, or that had not waited, has 30 s
    await expect(ask({ waitedMs: 30_000, reserveMs: 0 })).resolves.toBe('ok');
    await expect(ask({ waitedMs: 0, reserveMs: 30_000 })).resolves.toBe('ok');
    expect(s.hits()).toBe(2);
    // one millisecond short of that and the call is made, with a deadline of one millisecond
    await expect(ask({ waitedMs: 30_000, reserveMs: 29_999 }, '/held')).rejects.toThrow(/timed out after 1 ms/);
  });

  it('closes its circuit with nothing counted when reset, as after a restart', async () => {
    let failing = true;
    const s = await serve((_req, res) => (failing ? res.writeHead(500).end('down') : res.end('ok')));
    const client = newClient({ department: 'market', baseUrl: s.url, timeoutMs: 1000, retries: 0, breaker: { resetTimeoutMs: 60_000 } });
    const get = () => client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText });
    for (let i = 0; i < 6; i++) await get().catch(() => undefined);
    expect(client.circuitState).toBe('open');
    client.resetCircuit();
    expect(client.circuitState).toBe('closed');
    // the failures before the reset are forgotten: one more does not reopen it
    const before = s.hits();
    await get().catch(() => undefined);
    expect(s.hits()).toBe(before + 1);
    expect(client.circuitState).toBe('closed');
    failing = false;
    expect(await get()).toBe('ok');
  });

  it('refuses a bad option at construction, naming it', () => {
    expect(() => newClient({ department: 'tax', baseUrl: 'nope', timeoutMs: 100 })).toThrow(/baseUrl/);
    expect(() => newClient({ department: 'tax', baseUrl: 'http://x', timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => newClient({ department: 'tax', baseUrl: 'http://x', timeoutMs: 100, breaker: { consecutiveFailures: 0 } })).toThrow(/consecutiveFailures/);
  });
});
