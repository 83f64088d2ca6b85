import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { TEST_DATABASE_URL } from '../harness/database';
import { startCluster, type Answer, type Cluster } from '../harness/cluster';
import { startTcpProxy, type TcpProxy } from '../harness/tcpProxy';
import { freePorts } from '../../scripts/cluster/haproxy';
import { subjectsWhere } from '../../legacy/world/subjectsWhere';

/**
 * The shared services failing under the replicated topology. Neither fault touches the machine's
 * shared Redis or PostgreSQL, which other test files use meanwhile: Redis is this file's own
 * redis-server (stopped and started again), and the gateways reach PostgreSQL through a TCP relay
 * that is cut and restored (what a gateway sees when its database goes away and comes back; far
 * cheaper than a private PostgreSQL cluster).
 */

let cluster: Cluster;
let redis: ChildProcess;
let redisPort: number;
let relay: TcpProxy;

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (child.exitCode !== null) return reject(new Error('redis-server exited at start'));
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(child)));
      s.once('error', () => setTimeout(poll, 50));
    };
    poll();
  });
}

beforeAll(async () => {
  [redisPort] = (await freePorts(1)) as [number];
  redis = await startRedis(redisPort);
  const target = new URL(TEST_DATABASE_URL);
  relay = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  cluster = await startCluster({
    env: { REDIS_URL: `redis://127.0.0.1:${redisPort}` },
    gatewayDatabaseUrl: (url) => url.replace(/@[^/]+\//, `@127.0.0.1:${relay.port}/`),
  });
}, 90_000);
afterAll(async () => {
  await cluster?.stop();
  await relay?.close();
  redis?.kill('SIGKILL');
});

const PROFILE = (uscc: string) => `{ subject(uscc: "${uscc}") { kind registration { name } tax { arrears { amount } } judicial { enforcementCases { caseNumber } } finance { loanBalance } } }`;
const codes = (a: Answer) => (a.body.errors ?? []).map((e) => e.extensions?.code);

it('Redis stopped: both replicas and every subgraph keep serving, a consent granted and revoked meanwhile holds, no 5xx', async () => {
  const [subject] = subjectsWhere(cluster.world, (s) => s.finance !== null, { count: 1, skip: 3, what: 'a subject with a finance record' });
  const uscc = subject!.uscc;
  const gov = await cluster.token({ role: 'government', org: 'redis-down', purpose: 'financial-supervision' });
  const pub = await cluster.token({ role: 'public', org: 'redis-down-public' });
  const self = await cluster.token({ role: 'subject', subject: uscc });
  const bank = await cluster.token({ role: 'bank', org: 'bank-redis-down', purpose: 'financing' });
  expect(codes(await cluster.query(cluster.balancerUrl, PROFILE(uscc), { token: gov }))).toEqual([]);

  redis.kill('SIGKILL');
  await new Promise((r) => redis.once('exit', r));
  const answers: Answer[] = [];
  const ask = async (url: string, q: string, token: string, variables?: Record<string, unknown>) => {
    const a = await cluster.query(url, q, { token, variables });
    answers.push(a);
    return a;
  };
  for (const url of [...cluster.replicaUrls, cluster.balancerUrl, cluster.balancerUrl]) {
    // every department subgraph instance answers (legacy cache and consent cache gone)
    const full = await ask(url, PROFILE(uscc), gov);
    expect(codes(full)).toEqual([]);
    expect(full.body.data.subject.finance.loanBalance).toEqual(expect.any(String));
    const open = await ask(url, PROFILE(uscc), pub);
    expect(open.body).toMatchObject({ data: { subject: { registration: { name: expect.any(String) } } } });
    expect(new Set(codes(open))).toEqual(new Set(['FORBIDDEN']));
  }
  // consents live in PostgreSQL: granted, read, revoked and refused on the next request without the cache
  const [viaA, viaB] = cluster.replicaUrls as [string, string];
  const granted = await ask(viaA, `mutation G($i: GrantConsentInput!) { grantConsent(input: $i) { id } }`, self, {
    i: { subject: uscc, grantee: 'bank-redis-down', purpose: 'financing', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
  });
  expect(codes(granted)).toEqual([]);
  expect(codes(await ask(viaB, `{ subject(uscc: "${uscc}") { finance { loanBalance } } }`, bank))).toEqual([]);
  expect(codes(await ask(viaA, `mutation { revokeConsent(id: "${granted.body.data.grantConsent.id}") { status } }`, self))).toEqual([]);
  expect(codes(await ask(viaB, `{ subject(uscc: "${uscc}") { finance { loanBalance } } }`, bank))).toEqual(['CONSENT_REQUIRED']);

  expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
  // nothing lost: every answer's audit entries are in the ledger
  const ids = answers.map((a) => a.headers.get('x-request-id'));
  const { rows } = await cluster.pool.query<{ n: number }>(`SELECT count(DISTINCT request_id)::int AS n FROM audit_entries WHERE request_id = ANY($1)`, [ids]);
  expect(rows[0]!.n).toBe(ids.length);

  // Redis back (empty, as a restarted cache is): still serving, and the revocation still holds
  redis = await startRedis(redisPort);
  expect(codes(await cluster.query(viaB, `{ subject(uscc: "${uscc}") { finance { loanBalance } } }`, { token: bank }))).toEqual(['CONSENT_REQUIRED']);
  expect(codes(await cluster.query(cluster.balancerUrl, PROFILE(uscc), { token: gov }))).toEqual([]);
}, 60_000);

it('PostgreSQL cut from the gateways, then restored: the ledger fails closed on both replicas, then recovers without a restart', async () => {
  const [subject] = subjectsWhere(cluster.world, (s) => s.finance !== null, { count: 1, skip: 7, what: 'a subject with a finance record' });
  const uscc = subject!.uscc;
  const token = await cluster.token({ role: 'government', org: 'ledger-cut', purpose: 'financial-supervision' });
  const query = `{ subject(uscc: "${uscc}") { kind region { name } finance { loanBalance } } }`;
  const pids = cluster.gateways.map((g) => g.child.pid);

  relay.cut();
  for (const url of [...cluster.replicaUrls, cluster.balancerUrl]) {
    const down = await cluster.query(url, query, { token });
    expect(down.status).toBe(200);
    expect(down.body.data.subject.kind).toEqual(expect.any(String)); // PUBLIC still served
    expect(down.body.data.subject.finance).toBeNull();
    expect(down.body.errors).toEqual([expect.objectContaining({ path: ['subject', 'finance'], extensions: { code: 'AUDIT_UNAVAILABLE' } })]);
  }

  relay.restore();
  // each replica serves the refused field again once its ledger answers (bounded wait, no timing asserted)
  for (const url of cluster.replicaUrls) {
    let up: Answer | undefined;
    for (let attempt = 0; attempt < 100 && !(up && up.body.data?.subject?.finance); attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 200));
      up = await cluster.query(url, query, { token });
    }
    expect(up!.body.errors).toBeUndefined();
    expect(up!.body.data.subject.finance.loanBalance).toEqual(expect.any(String));
    const { rows } = await cluster.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_entries WHERE request_id = $1`, [up!.headers.get('x-request-id')]);
    expect(rows[0]!.n).toBeGreaterThan(0);
  }
  // the same processes: recovered, not restarted
  expect(cluster.gateways.map((g) => g.child.pid)).toEqual(pids);
  expect(cluster.gateways.every((g) => g.child.exitCode === null && g.child.signalCode === null)).toBe(true);
}, 60_000);
