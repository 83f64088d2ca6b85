import { startCluster, type Cluster } from '../harness/cluster';
import { failed, startLoad, withoutEntries, type Load } from './load';

/**
 * A gateway replica dying or being redeployed under load, seen from the clients of the balancer.
 * No time is asserted: the load is gated on counts of answers, the restarts on the replicas'
 * own exit and readiness.
 */

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 90_000);
afterAll(async () => {
  await cluster?.stop();
});
// each test starts with both replicas serving, and leaves no load running whatever it asserted
let load: Load | undefined;
beforeEach(async () => {
  for (const [i, g] of cluster.gateways.entries()) if (g.child.exitCode !== null || g.child.signalCode !== null) await cluster.restart(i);
  await cluster.waitBalanced();
}, 60_000);
afterEach(async () => {
  await load?.stop();
  load = undefined;
});

it('SIGKILL of one replica under load: every acknowledged response has its audit entries, and the balancer keeps serving', async () => {
  const token = await cluster.token({ role: 'government', org: 'kill-test', purpose: 'financial-supervision' });
  load = startLoad(cluster, token);
  await load.answered(20);
  const inFlightAtKill = new Set(load.inFlight());
  const firstAfterKill = Math.max(...inFlightAtKill) + 1;
  expect(await cluster.signal(0, 'SIGKILL')).toBeNull();
  await load.answered(40);
  const sent = await load.stop();

  // What is counted: a request fails when it got no 200 with its subject. Only requests already in
  // flight when the replica died may fail (HAProxy retries one whose connection the dead replica
  // closed unanswered, on the other replica); every request sent after the kill is served.
  const failures = failed(sent);
  expect(failures.filter((s) => !inFlightAtKill.has(s.n))).toEqual([]);
  const after = sent.filter((s) => s.n >= firstAfterKill);
  expect(after.length).toBeGreaterThanOrEqual(30);
  expect(new Set(after.map((s) => s.servedBy))).toEqual(new Set([cluster.replicaNames[1]]));
  // commit before release, across the kill: no acknowledged answer lacks its ledger entries
  expect(await withoutEntries(cluster, sent)).toEqual([]);
  // both replicas had answered before the kill
  expect(new Set(sent.filter((s) => s.n < firstAfterKill && s.servedBy).map((s) => s.servedBy))).toEqual(new Set(cluster.replicaNames));
}, 90_000);

it('rolling restart with SIGTERM: each replica drains and comes back, and not one request fails at the balancer', async () => {
  const token = await cluster.token({ role: 'government', org: 'deploy-test', purpose: 'financial-supervision' });
  load = startLoad(cluster, token);
  await load.answered(10);
  for (const i of [0, 1]) {
    expect(await cluster.signal(i, 'SIGTERM')).toBe(0); // drained and exited cleanly
    await cluster.restart(i);
    await cluster.waitBalanced(); // the balancer sends to the new process before the next goes
  }
  await load.answered(10);
  const sent = await load.stop();
  expect(sent.length).toBeGreaterThanOrEqual(20);
  expect(failed(sent)).toEqual([]);
  expect(await withoutEntries(cluster, sent)).toEqual([]);
}, 120_000);
