import { spawn } from 'node:child_process';
import path from 'node:path';
import { subjectsWhere } from '../../legacy/world/subjectsWhere';
import { startCluster, type Answer, type Cluster } from '../harness/cluster';

/**
 * Two gateway replicas and two instances of every subgraph behind HAProxy behave as one: the
 * state that must be shared lives in Redis and PostgreSQL, never in a process.
 */

const PER_MINUTE = 20;
let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ env: { RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) } });
}, 90_000);
afterAll(async () => {
  await cluster?.stop();
});

const FINANCE = (uscc: string) => `{ subject(uscc: "${uscc}") { uscc finance { loanBalance } } }`;

it('holds the rate limit across replicas: the sum of both, not each', async () => {
  // Fixed one-minute windows: start the burst well inside one, so every request counts in the same
  // window (this waits; it asserts nothing about time).
  const second = new Date().getSeconds();
  if (second > 40) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
  const token = await cluster.token({ role: 'public', org: 'rate-limit-cluster' });
  const uscc = cluster.world.subject(7).uscc;
  const answers: Answer[] = [];
  for (let i = 0; i < PER_MINUTE + 10; i++) answers.push(await cluster.query(cluster.balancerUrl, `{ subject(uscc: "${uscc}") { kind } }`, { token }));
  const servedBy = (status: number) => new Set(answers.filter((a) => a.status === status).map((a) => a.headers.get('x-served-by')));
  // both replicas took part, and each saw fewer than the limit: a per-process count lets all through
  expect(servedBy(200)).toEqual(new Set(cluster.replicaNames));
  expect(answers.filter((a) => a.status === 200)).toHaveLength(PER_MINUTE);
  expect(answers.filter((a) => a.status === 429)).toHaveLength(10);
  expect(servedBy(429)).toEqual(new Set(cluster.replicaNames));
  expect(answers.find((a) => a.status === 429)!.headers.get('retry-after')).toMatch(/^\d+$/);
}, 90_000);

it('refuses a consent revoked through one replica on the very next request through the other', async () => {
  const [subject] = subjectsWhere(cluster.world, (s) => s.finance !== null, { count: 1, what: 'a subject with a finance record' });
  const [viaA, viaB] = cluster.replicaUrls as [string, string];
  const self = await cluster.token({ role: 'subject', subject: subject!.uscc });
  const bank = await cluster.token({ role: 'bank', org: 'bank-cluster', purpose: 'financing' });
  const granted = await cluster.query(viaA, `mutation G($i: GrantConsentInput!) { grantConsent(input: $i) { id status } }`, {
    token: self,
    variables: { i: { subject: subject!.uscc, grantee: 'bank-cluster', purpose: 'financing', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } },
  });
  expect(granted.body.errors).toBeUndefined();
  // Two reads through B: round robin sends them to both finance instances, so each has the
  // ACTIVE consent in the consent cache before the revocation.
  for (let i = 0; i < 2; i++) {
    const read = await cluster.query(viaB, FINANCE(subject!.uscc), { token: bank });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.subject.finance.loanBalance).toEqual(expect.any(String));
  }
  const revoked = await cluster.query(viaA, `mutation { revokeConsent(id: "${granted.body.data.grantConsent.id}") { status } }`, { token: self });
  expect(revoked.body.data.revokeConsent.status).toBe('REVOKED');
  for (let i = 0; i < 2; i++) {
    const read = await cluster.query(viaB, FINANCE(subject!.uscc), { token: bank });
    expect(read.body.data.subject.finance).toBeNull();
    expect(read.body.errors).toEqual([expect.objectContaining({ path: ['subject', 'finance'], extensions: expect.objectContaining({ code: 'CONSENT_REQUIRED' }) })]);
  }
}, 60_000);

function auditVerify(env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  const root = path.join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'auditVerify.ts')], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c) => (stdout += c));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout })));
}

it('keeps one audit chain per replica, and audit:verify covers both', async () => {
  const token = await cluster.token({ role: 'government', org: 'audit-cluster', purpose: 'financial-supervision' });
  const served = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const res = await cluster.query(cluster.balancerUrl, `{ subject(uscc: "${cluster.world.subject(100 + i).uscc}") { kind finance { loanBalance } } }`, { token });
    expect(res.status).toBe(200);
    served.add(res.headers.get('x-served-by')!);
  }
  expect(served).toEqual(new Set(cluster.replicaNames));

  const { rows: chains } = await cluster.pool.query<{ chain_id: string; n: number }>(
    `SELECT chain_id, count(*)::int AS n FROM audit_entries WHERE consumer_org = 'audit-cluster' GROUP BY chain_id ORDER BY chain_id`,
  );
  expect(chains).toHaveLength(2);
  const { rows: [total] } = await cluster.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_entries`);

  const verified = await auditVerify(cluster.env);
  expect(verified.code).toBe(0);
  expect(verified.stdout.trim().split('\n').pop()).toBe(`ok ${total!.n} records`);

  // a changed entry in either chain is found: verify walks each replica's chain
  for (const { chain_id } of chains) {
    const { rows: [entry] } = await cluster.pool.query<{ field: string }>(`SELECT field FROM audit_entries WHERE chain_id = $1 AND seq = 1`, [chain_id]);
    await cluster.pool.query(`UPDATE audit_entries SET field = 'Tampered.field' WHERE chain_id = $1 AND seq = 1`, [chain_id]);
    const broken = await auditVerify(cluster.env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`chain ${chain_id} entry 1`);
    await cluster.pool.query(`UPDATE audit_entries SET field = $2 WHERE chain_id = $1 AND seq = 1`, [chain_id, entry!.field]);
  }
  expect((await auditVerify(cluster.env)).code).toBe(0);

  // Each replica's chain head is proven outside the database, in the one checkpoint directory
  // audit:verify reads: a whole chain removed by someone with write access to the ledger is found.
  // (replica 2's chain: its id names its process)
  const removed = chains.find((c) => c.chain_id.includes(`:${cluster.gateways[1]!.child.pid}:`))!.chain_id;
  await cluster.pool.query(`DELETE FROM audit_entries WHERE chain_id = $1`, [removed]);
  await cluster.pool.query(`DELETE FROM audit_chains WHERE chain_id = $1`, [removed]);
  const gone = await auditVerify(cluster.env);
  expect(gone.code).toBe(1);
  expect(gone.stdout).toContain(removed);
}, 90_000);
