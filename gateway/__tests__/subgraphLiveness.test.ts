import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SubgraphLiveness, SubgraphNotAnswering } from '../subgraphLiveness';

/**
 * The liveness watch on its own: a health route that answers keeps fetches alive however long
 * they take; one that never answers abandons them after three probes; and a gateway too busy to
 * read the answer in time (its own event loop blocked) is no evidence against the subgraph.
 */

let server: http.Server;
let healthUrl: string;
let behaviour: 'answer' | 'hang' | 'busy-gateway' = 'answer';

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    if (behaviour === 'hang') return; // accepted, never answered
    if (behaviour === 'busy-gateway') {
      // the process is the gateway's too: block it well past the probe timeout, then answer at once
      const until = Date.now() + 400;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const watcher = () => new SubgraphLiveness({ name: 'court', healthUrl, intervalMs: 50, probeTimeoutMs: 100 });

it('keeps a fetch whose subgraph answers its probes, however long the fetch takes', async () => {
  behaviour = 'answer';
  const fetch = watcher().watch();
  await sleep(600);
  expect(fetch.signal.aborted).toBe(false);
  fetch.done();
});

it('abandons the fetches of a subgraph that answers no probe, with the reason', async () => {
  behaviour = 'hang';
  const liveness = watcher();
  const fetches = [liveness.watch(), liveness.watch()];
  await sleep(600);
  for (const f of fetches) {
    expect(f.signal.aborted).toBe(true);
    expect(f.signal.reason).toBeInstanceOf(SubgraphNotAnswering);
  }
});

it('does not count a probe its own blocked event loop could not read in time', async () => {
  behaviour = 'busy-gateway';
  const fetch = watcher().watch();
  await sleep(1500);
  expect(fetch.signal.aborted).toBe(false);
  fetch.done();
});
