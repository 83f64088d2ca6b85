import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import type Redis from 'ioredis';
import { Pool } from 'pg';
import { createRedis } from '../../cache/redis';
import { createTestSchema } from '../../../test/harness/database';
import { startTcpProxy, type TcpProxy } from '../../../test/harness/tcpProxy';
import { freePorts } from '../../../scripts/cluster/haproxy';
import { ConsentStore } from '../ConsentStore';

/**
 * A revocation whose cache write fails while Redis keeps its data (SPEC §5: it takes effect for
 * the very next request). Our own redis-server, so its data survives; replica A reaches it through
 * a TCP relay that is cut (a partition), replica B directly and never sees an error.
 */

const SUBJECT = '91140106208681984B';
const KEY = `consent:financing:bank-partition:${SUBJECT}`;
let database: Awaited<ReturnType<typeof createTestSchema>>;
let pool: Pool;
let server: ChildProcess;
let relay: TcpProxy;
let viaRelay: Redis;
let direct: Redis;

async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (;;) {
    if (child.exitCode !== null) throw new Error('redis-server exited at start');
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  database = await createTestSchema();
  pool = new Pool({ connectionString: database.url, max: 4 });
  const [port] = (await freePorts(1)) as [number];
  server = await startRedisServer(port);
  relay = await startTcpProxy({ host: '127.0.0.1', port });
  viaRelay = createRedis(`redis://127.0.0.1:${relay.port}`, '');
  direct = createRedis(`redis://127.0.0.1:${port}`, '');
  await Promise.all([once(viaRelay, 'ready'), once(direct, 'ready')]);
  await new ConsentStore(pool, null).migrate();
}, 30_000);
afterAll(async () => {
  viaRelay.disconnect();
  direct.disconnect();
  await relay.close();
  server.kill('SIGKILL');
  await pool.end();
  await database.drop();
});

describe('a revocation whose cache write failed', () => {
  it('is seen by the very next check through either replica once the partition heals, and the cache is repaired', async () => {
    const a = new ConsentStore(pool, viaRelay);
    const b = new ConsentStore(pool, direct);
    const consent = await a.grant({ subject: SUBJECT, grantee: 'bank-partition', purpose: 'financing', expiresAt: new Date(Date.now() + 86_400_000) });
    for (const store of [a, b, a, b]) {
      expect(await store.activeConsents('bank-partition', 'financing', [SUBJECT])).toEqual(new Map([[SUBJECT, consent.id]]));
    }
    expect(await direct.get(KEY)).toBe(consent.id);

    // Partition A from Redis (Redis keeps its data); revoke through A.
    const closed = once(viaRelay, 'close');
    relay.cut();
    await closed;
    expect((await a.revoke(consent.id))?.status).toBe('REVOKED');
    // The revocation is durable, and the cache still says ACTIVE: the stale entry is real.
    expect(await direct.get(KEY)).toBe(consent.id);

    const ready = once(viaRelay, 'ready');
    relay.restore();
    await ready;
    // B first: it never saw Redis fail, and Redis still holds the old ACTIVE entry.
    expect(await b.activeConsents('bank-partition', 'financing', [SUBJECT])).toEqual(new Map());
    expect(await a.activeConsents('bank-partition', 'financing', [SUBJECT])).toEqual(new Map());

    // The repair reached Redis and its row is gone: both trust the cache again, which now says none.
    expect(await direct.get(KEY)).toBe('-');
    expect((await pool.query(`SELECT count(*)::int AS n FROM consent_cache_repairs`)).rows[0].n).toBe(0);
    expect(await b.activeConsents('bank-partition', 'financing', [SUBJECT])).toEqual(new Map());
    expect(await a.activeConsents('bank-partition', 'financing', [SUBJECT])).toEqual(new Map());
  }, 30_000);

  it('keeps a granted consent readable through the repaired cache once its write had failed', async () => {
    const a = new ConsentStore(pool, viaRelay);
    const b = new ConsentStore(pool, direct);
    const closed = once(viaRelay, 'close');
    relay.cut();
    await closed;
    const consent = await a.grant({ subject: SUBJECT, grantee: 'bank-regrant', purpose: 'financing', expiresAt: new Date(Date.now() + 86_400_000) });
    // A reader filled "none" before the grant: the stale entry a failed grant write leaves behind.
    await direct.set(`consent:financing:bank-regrant:${SUBJECT}`, '-', 'EX', 60);
    const ready = once(viaRelay, 'ready');
    relay.restore();
    await ready;
    expect(await b.activeConsents('bank-regrant', 'financing', [SUBJECT])).toEqual(new Map([[SUBJECT, consent.id]]));
    expect(await direct.get(`consent:financing:bank-regrant:${SUBJECT}`)).toBe(consent.id);
  }, 30_000);
});
