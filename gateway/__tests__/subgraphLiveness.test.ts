import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SubgraphLiveness, SubgraphNotAnswering } from '../subgraphLiveness';

/**
 * The liveness watch on its own, against a real health route: a subgraph that answers — even
 * slowly, as a saturated process does — keeps its fetches however long they take; one that
 * answers nothing has them abandoned once they and it were silent for `silenceMs`; and a gateway
 * too busy to read (its own event loop blocked) is no evidence against the subgraph.
 */

let server: http.Server;
let healthUrl: string;
let behaviour: 'answer' | 'slow' | 'hang' | 'busy-gateway' = 'answer';
let probes = 0;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    probes++;
    if (behaviour === 'hang') return; // accepted, never answered
    if (behaviour === 'slow') return void setTimeout(() => res.end('{"status":"ok"}'), 150);
    if (behaviour === 'busy-gateway') {
      // the process is the gateway's too: block it well past the silence allowed, then answer at once
      const until = Date.now() + 600;
      while (Date.now() < until);
    }
    res.end('{"status":"ok"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  healthUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** waits, however long a loaded machine takes, until the server has seen `n` more probes (or the fetch was given up: no more come) */
async function probesSeen(n: number, fetch: { signal: AbortSignal }): Promise<void> {
  const target = probes + n;
  while (probes < target && !fetch.signal.aborted) await new Promise((r) => setTimeout(r, 10));
}
const watcher = (silenceMs: number) => new SubgraphLiveness({ name: 'court', healthUrl, intervalMs: 50, silenceMs });

it('keeps a fetch whose subgraph answers its probes, however long the fetch takes', async () => {
  behaviour = 'answer';
  const fetch = watcher(5000).watch();
  await probesSeen(6, fetch);
  expect(fetch.signal.aborted).toBe(false);
  fetch.done();
});

it('keeps a fetch whose subgraph answers every probe late, as a saturated process does, but within the silence allowed', async () => {
  behaviour = 'slow';
  // each answer takes three probe intervals; a per-probe deadline of one interval would have given up
  const fetch = watcher(1000).watch();
  await probesSeen(6, fetch);
  expect(fetch.signal.aborted).toBe(false);
  fetch.done();
});

it('abandons the fetches of a subgraph that answers nothing, with the reason', async () => {
  behaviour = 'hang';
  const liveness = watcher(200);
  const fetches = [liveness.watch(), liveness.watch()];
  // bounded by jest's timeout: without the watch nothing would ever abort them
  await Promise.all(fetches.map((f) => new Promise((r) => f.signal.addEventListener('abort', r))));
  for (const f of fetches) expect(f.signal.reason).toBeInstanceOf(SubgraphNotAnswering);
});

it("a fetch's own answer is heard like a probe's", async () => {
  behaviour = 'hang';
  const liveness = watcher(300);
  const long = liveness.watch();
  // another fetch to the same subgraph answering now and then: the process is alive
  for (let i = 0; i < 8; i++) {
    const other = liveness.watch();
    await new Promise((r) => setTimeout(r, 100));
    other.heard();
    other.done();
  }
  expect(long.signal.aborted).toBe(false);
  long.done();
});

it('does not count the time its own blocked event loop could not listen, between probes', async () => {
  behaviour = 'answer';
  const fetch = watcher(200).watch();
  for (let i = 0; i < 3; i++) {
    await probesSeen(2, fetch);
    // a long merge or a GC pause in the gateway: three times the silence allowed, nothing read meanwhile
    const until = Date.now() + 600;
    while (Date.now() < until);
  }
  await probesSeen(2, fetch);
  expect(fetch.signal.aborted).toBe(false);
  fetch.done();
});

it('reads an answer that arrived while its event loop was blocked before judging the silence', async () => {
  behaviour = 'busy-gateway';
  // each probe blocks this process 600 ms, three times the silence allowed
  const fetch = watcher(200).watch();
  await probesSeen(4, fetch);
  expect(fetch.signal.aborted).toBe(false);
  fetch.done();
});
