import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DepartmentUnavailableError } from '../../subgraph/errors';
import { LegacyBusyError, LegacyClient } from '../LegacyClient';
import { budgetFor, withBudget, withRequestClock } from '../requestBudget';

/**
 * The shared legacy client against a real HTTP server whose behaviour each test scripts
 * (the department stand-ins exercise it again through every adapter).
 */

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; hits: () => number; inFlightMax: () => number; close: () => Promise<void> }> {
  let hits = 0;
  let inFlight = 0;
  let inFlightMax = 0;
  const server = http.createServer((req, res) => {
    hits++;
    inFlight++;
    inFlightMax = Math.max(inFlightMax, inFlight);
    res.on('close', () => inFlight--);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    inFlightMax: () => inFlightMax,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const parseText = (r: { body: Buffer }) => r.body.toString('utf8');

describe('LegacyClient', () => {
  it('retries an idempotent read once after a 5xx and returns the answer', async () => {
    let n = 0;
    const s = await serve((_req, res) => {
      n++;
      if (n === 1) {
        res.writeHead(500).end('java.lang.NullPointerException at com.gov.Service');
      } else res.end('ok');
    });
    const client = new LegacyClient({ department: 'market', baseUrl: s.url, timeoutMs: 2000, retries: 1 });
    await expect(client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText })).resolves.toBe('ok');
    expect(s.hits()).toBe(2);
    await client.close();
    await s.close();
  });

  it('never retries a call that is not idempotent', async () => {
    const s = await serve((_req, res) => res.writeHead(500).end('boom'));
    const client = new LegacyClient({ department: 'market', baseUrl: s.url, timeoutMs: 2000, retries: 3 });
    await expect(client.call({ method: 'POST', path: '/x', idempotent: false, parse: parseText })).rejects.toBeInstanceOf(DepartmentUnavailableError);
    expect(s.hits()).toBe(1);
    await client.close();
    await s.close();
  });

  it('gives up at its deadline when the system never answers, without leaking the URL', async () => {
    const s = await serve(() => undefined);
    const client = new LegacyClient({ department: 'tax', baseUrl: s.url, timeoutMs: 300, retries: 2 });
    const error = await client.call({ method: 'GET', path: '/hang', idempotent: true, parse: parseText }).catch((e) => e);
    expect(error).toBeInstanceOf(DepartmentUnavailableError);
    expect(error.department).toBe('tax');
    await client.close();
    await s.close();
  });

  it('retries a "busy" answer the adapter recognizes, but not an unusable one', async () => {
    const busy = await serve((_req, res) => res.end('{"code":"9999"}'));
    const client = new LegacyClient({ department: 'market', baseUrl: busy.url, timeoutMs: 2000, retries: 1 });
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
    await client.close();
    await busy.close();
  });

  it('honours Retry-After on a 429', async () => {
    let n = 0;
    const s = await serve((_req, res) => {
      n++;
      if (n === 1) res.writeHead(429, { 'retry-after': '0' }).end();
      else res.end('ok');
    });
    const client = new LegacyClient({ department: 'court', baseUrl: s.url, timeoutMs: 2000, retries: 1 });
    await expect(client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText })).resolves.toBe('ok');
    expect(s.hits()).toBe(2);
    await client.close();
    await s.close();
  });

  it('keeps at most maxConcurrency requests in flight and queues the rest', async () => {
    const s = await serve((_req, res) => setTimeout(() => res.end('ok'), 30));
    const client = new LegacyClient({ department: 'court', baseUrl: s.url, timeoutMs: 5000, maxConcurrency: 8 });
    const results = await Promise.all(Array.from({ length: 30 }, () => client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText })));
    expect(results).toHaveLength(30);
    expect(s.inFlightMax()).toBeLessThanOrEqual(8);
    expect(s.hits()).toBe(30);
    await client.close();
    await s.close();
  });

  it('opens its circuit after repeated failures and then stops calling the system', async () => {
    const s = await serve((_req, res) => res.writeHead(500).end('down'));
    const client = new LegacyClient({
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
    await client.close();
    await s.close();
  });

  it('serves a long batch in turn behind its slots while the system keeps answering', async () => {
    const s = await serve((_req, res) => setTimeout(() => res.end('ok'), 30));
    // 20 calls, 2 at a time: the last waits ~300 ms, longer than the 200 ms deadline of a call
    const client = new LegacyClient({ department: 'court', baseUrl: s.url, timeoutMs: 200, maxConcurrency: 2, queueTimeoutMs: 10_000 });
    const results = await Promise.all(Array.from({ length: 20 }, () => client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText })));
    expect(results).toEqual(Array(20).fill('ok'));
    await client.close();
    await s.close();
  });

  it('lets queued calls give up when the system hangs, instead of waiting out the whole queue', async () => {
    let hung = false;
    const s = await serve((_req, res) => {
      if (!hung) setTimeout(() => res.end('ok'), 10);
    });
    const client = new LegacyClient({ department: 'court', baseUrl: s.url, timeoutMs: 500, maxConcurrency: 2, queueTimeoutMs: 30_000, retries: 0 });
    for (let i = 0; i < 10; i++) await client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText });
    hung = true;
    const started = Date.now();
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, () => client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText })));
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof DepartmentUnavailableError)).toBe(true);
    // 40 calls queued behind 2 hung slots would take 10 s, one deadline after another
    expect(Date.now() - started).toBeLessThan(6000);
    await client.close();
    await s.close();
  });

  it('answers each lone request within its own deadline however the calls queue (request budget)', async () => {
    // a slow but working system: 300 ms a call, one at a time
    const s = await serve((_req, res) => setTimeout(() => res.end('ok'), 300));
    const client = new LegacyClient({ department: 'court', baseUrl: s.url, timeoutMs: 400, maxConcurrency: 1, queueTimeoutMs: 30_000, retries: 0 });
    const started = Date.now();
    // five requests of one subject each, arriving together behind the one slot
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => withBudget({ startedAt: Date.now(), calls: 1, reserveMs: 0 }, () => client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText }))),
    );
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'ok' });
    expect(outcomes.slice(1).every((o) => o.status === 'rejected' && o.reason instanceof DepartmentUnavailableError)).toBe(true);
    // without the budget they would be served in turn, the last after 1.5 s
    expect(Date.now() - started).toBeLessThan(1200);
    await client.close();
    await s.close();
  });

  it('opens its circuit after calls fail in a row, however many successes its rolling window still holds', async () => {
    let failing = false;
    const s = await serve((_req, res) => (failing ? res.writeHead(500).end('down') : res.end('ok')));
    const client = new LegacyClient({ department: 'court', baseUrl: s.url, timeoutMs: 1000, retries: 0, breaker: { resetTimeoutMs: 60_000 } });
    const get = () => client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText });
    for (let i = 0; i < 40; i++) await get();
    failing = true;
    const before = s.hits();
    for (let i = 0; i < 12; i++) await get().catch(() => undefined);
    // 12 failures beside 40 successes is a 23 % error rate: the rolling window alone stays closed
    expect(s.hits() - before).toBe(5);
    expect(client.circuitState).toBe('open');
    await client.close();
    await s.close();
  });

  it('does not count a timeout against the system while other calls are being answered', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/fast') res.end('ok'); // '/stuck' never answers
    });
    const client = new LegacyClient({ department: 'court', baseUrl: s.url, timeoutMs: 300, retries: 0, maxConcurrency: 16, breaker: { resetTimeoutMs: 60_000 } });
    const stuck = Promise.allSettled(Array.from({ length: 6 }, () => client.call({ method: 'GET', path: '/stuck', idempotent: true, parse: parseText })));
    let done = false;
    void stuck.then(() => (done = true));
    let answered = 0;
    while (!done) answered += (await client.call({ method: 'GET', path: '/fast', idempotent: true, parse: parseText })) === 'ok' ? 1 : 0;
    expect((await stuck).every((o) => o.status === 'rejected')).toBe(true);
    expect(answered).toBeGreaterThan(6);
    expect(client.circuitState).toBe('closed');
    await client.close();
    await s.close();
  });

  it('never calls the system for a request whose deadline has already passed, nor counts it against the circuit', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    const client = new LegacyClient({ department: 'court', baseUrl: s.url, timeoutMs: 1000, retries: 0, breaker: { resetTimeoutMs: 60_000 } });
    const late = { startedAt: Date.now() - 5000, calls: 1, reserveMs: 0 };
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => withBudget(late, () => client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText }))));
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof DepartmentUnavailableError)).toBe(true);
    expect(s.hits()).toBe(0);
    expect(client.circuitState).toBe('closed');
    expect(await client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText })).toBe('ok');
    await client.close();
    await s.close();
  });

  it("counts the time the request waited to reach the subgraph against a batch's deadline, less the reserve", async () => {
    // slow but working: 800 ms an answer, well within the 3 s timeout
    const s = await serve((_req, res) => setTimeout(() => res.end('ok'), 800));
    const client = new LegacyClient({ department: 'court', baseUrl: s.url, timeoutMs: 3000, retries: 0 });
    const ask = (clock: { waitedMs: number; reserveMs: number }) =>
      withRequestClock(clock, () => withBudget(budgetFor(1), () => client.call({ method: 'GET', path: '/x', idempotent: true, parse: parseText })));
    // waited 1.5 s before reaching the subgraph, 1 s kept back: 0.5 s left, too little for this system
    await expect(ask({ waitedMs: 1500, reserveMs: 1000 })).rejects.toBeInstanceOf(DepartmentUnavailableError);
    // the same call for a request that had not waited, or with nothing kept back, has the time
    await expect(ask({ waitedMs: 0, reserveMs: 1000 })).resolves.toBe('ok');
    await expect(ask({ waitedMs: 1500, reserveMs: 0 })).resolves.toBe('ok');
    await client.close();
    await s.close();
  });

  it('closes its circuit with nothing counted when reset, as after a restart', async () => {
    let failing = true;
    const s = await serve((_req, res) => (failing ? res.writeHead(500).end('down') : res.end('ok')));
    const client = new LegacyClient({ department: 'market', baseUrl: s.url, timeoutMs: 1000, retries: 0, breaker: { resetTimeoutMs: 60_000 } });
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
    await client.close();
    await s.close();
  });

  it('refuses a bad option at construction, naming it', () => {
    expect(() => new LegacyClient({ department: 'tax', baseUrl: 'nope', timeoutMs: 100 })).toThrow(/baseUrl/);
    expect(() => new LegacyClient({ department: 'tax', baseUrl: 'http://x', timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new LegacyClient({ department: 'tax', baseUrl: 'http://x', timeoutMs: 100, breaker: { consecutiveFailures: 0 } })).toThrow(/consecutiveFailures/);
  });
});
