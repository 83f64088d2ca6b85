import { createStandIn, type StandIn } from '../StandIn';

/** a minimal department: counts one key per call, fails with its own body */
function echoStandIn(options: { latencyMs?: number; maxInFlight?: number } = {}): { standIn: StandIn; released: () => number } {
  let inFlight = 0;
  let releases = 0;
  const standIn = createStandIn({
    name: 'echo',
    latencyMs: options.latencyMs ?? 0,
    admit: options.maxInFlight
      ? () => {
          if (inFlight >= options.maxInFlight!) return { refuse: { status: 429, headers: { 'retry-after': '1' }, body: 'busy' } };
          inFlight += 1;
          return {
            release() {
              inFlight -= 1;
              releases += 1;
            },
          };
        }
      : undefined,
    handle: (req, ctx) => {
      ctx.countKeys(2);
      // a department spoils the records of the subjects the `malformed` fault names
      if (ctx.malformed(req.path.slice(1))) return { status: 200, body: 'malformed' };
      return { status: 200, body: `${req.method} ${req.path} ${req.remoteAddress}` };
    },
    failure: () => ({ status: 500, body: 'department failure' }),
  });
  return { standIn, released: () => releases };
}

const admin = (s: StandIn, op: string, body?: unknown) =>
  fetch(`${s.url}/__admin/${op}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());

describe('StandIn frame', () => {
  let standIn: StandIn;
  afterEach(() => standIn?.close());

  it('refuses a negative latency at construction, naming the option', () => {
    expect(() => createStandIn({ name: 'x', latencyMs: -1, handle: () => ({ status: 200, body: '' }), failure: () => ({ status: 500, body: '' }) })).toThrow(
      /latencyMs must be a non-negative number/,
    );
  });

  it('passes the client address to the handler', async () => {
    ({ standIn } = echoStandIn());
    await standIn.listen(0);
    expect(await (await fetch(`${standIn.url}/a`)).text()).toBe('GET /a 127.0.0.1');
  });

  it('counts requests and keys, and reset clears them', async () => {
    ({ standIn } = echoStandIn());
    await standIn.listen(0);
    await fetch(`${standIn.url}/a`);
    await fetch(`${standIn.url}/b`);
    expect(await admin(standIn, 'stats')).toEqual({ requests: 2, keys: 4 });
    await admin(standIn, 'reset', {});
    expect(await admin(standIn, 'stats')).toEqual({ requests: 0, keys: 0 });
  });

  it('refuses invalid faults with 400 naming the field', async () => {
    ({ standIn } = echoStandIn());
    await standIn.listen(0);
    const res = await fetch(`${standIn.url}/__admin/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 2 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/errorRate/);
  });

  it('tells the department which subjects to send malformed (POST /__admin/faults {"malformed": [USCC…]}) until reset', async () => {
    ({ standIn } = echoStandIn());
    await standIn.listen(0);
    const uscc = '91350100M000100Y43';
    const set = await fetch(`${standIn.url}/__admin/faults`, { method: 'POST', body: JSON.stringify({ malformed: [uscc] }) });
    expect(((await set.json()) as { malformed: string[] }).malformed).toEqual([uscc]);
    expect(await (await fetch(`${standIn.url}/${uscc}`)).text()).toBe('malformed');
    expect(await (await fetch(`${standIn.url}/91350100M000200Y28`)).text()).not.toBe('malformed');
    await admin(standIn, 'reset', {});
    expect(await (await fetch(`${standIn.url}/${uscc}`)).text()).not.toBe('malformed');
    const bad = await fetch(`${standIn.url}/__admin/faults`, { method: 'POST', body: JSON.stringify({ malformed: uscc }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/faults\.malformed/);
  });

  it('refuses a request over the admit gate at once, before latency, and releases admitted ones when they finish', async () => {
    let released: () => number;
    ({ standIn, released } = echoStandIn({ latencyMs: 300, maxInFlight: 1 }));
    await standIn.listen(0);
    const first = fetch(`${standIn.url}/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const second = await fetch(`${standIn.url}/slow`, { signal: AbortSignal.timeout(250) });
    expect(second.status).toBe(429);
    expect((await first).status).toBe(200);
    expect(released()).toBe(1);
    expect((await fetch(`${standIn.url}/again`)).status).toBe(200);
    expect(await admin(standIn, 'stats')).toEqual({ requests: 3, keys: 4 });
  });

  it('prepares its answer as the request arrives, inside its latency rather than after it, and still answers only when the latency is over', async () => {
    let prepared!: () => void;
    const preparing = new Promise<void>((r) => (prepared = r));
    // a two-minute system: prepared after the latency, the test's own timeout would fail it first
    standIn = createStandIn({
      name: 'slow-system',
      latencyMs: 120_000,
      handle: () => {
        prepared();
        return { status: 200, body: 'record' };
      },
      failure: () => ({ status: 500, body: 'department failure' }),
    });
    await standIn.listen(0);
    const client = new AbortController();
    let answered = false;
    const request = fetch(`${standIn.url}/record`, { signal: client.signal }).then(
      () => (answered = true),
      () => undefined,
    );
    await preparing;
    expect(answered).toBe(false);
    client.abort();
    await request;
  });

  it('releases an admitted request whose client gave up before the answer', async () => {
    let released: () => number;
    ({ standIn, released } = echoStandIn({ latencyMs: 400, maxInFlight: 1 }));
    await standIn.listen(0);
    await expect(fetch(`${standIn.url}/slow`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(released()).toBe(1);
    expect((await fetch(`${standIn.url}/next`)).status).toBe(200);
  });
});
