import { createWorld, subjectWhere } from '../../world';
import type { StandIn } from '../../common/StandIn';
import type { CourtCase, Subject, World } from '../../world/types';
import { createCourtStandIn } from '../server';
import { fenToYuan } from '../wire';

/** Speaks to the courts' stand-in over real HTTP, in the courts' own protocol (legacy-systems.md §3). */

const world: World = createWorld({ size: 10000, seed: 1 });

const findSubject = (predicate: (s: Subject) => boolean) => subjectWhere(world, predicate);

/** the organization code as courts write it: `XXXXXXXX-C` */
const zzjgdm = (s: Subject) => `${s.organizationCode.slice(0, 8)}-${s.organizationCode.slice(8)}`;

const row = (c: CourtCase) => ({
  AH: c.caseNumber,
  ZXFY: c.court,
  LASJ: c.filedOn,
  ZXBD: fenToYuan(c.amountFen),
  YW: c.obligation,
  LXQK: c.performance,
  SXQX: c.conduct,
  FBSJ: c.publishedOn,
  ZT: c.status,
});

let standIn: StandIn;
beforeAll(async () => {
  standIn = createCourtStandIn({ world, latencyMs: 0 });
  await standIn.listen(0);
});
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

async function query(params: Record<string, string | number>, signal?: AbortSignal) {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(`${standIn.url}/zxxx/query?${qs}`, { signal });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
const queryJson = async (params: Record<string, string | number>) => {
  const r = await query(params);
  return { ...r, body: JSON.parse(r.text) };
};

describe('GET /zxxx/query', () => {
  it('lists 失信被执行人 records with ZXBD as yuan with two decimals', async () => {
    const s = findSubject((x) => x.court.dishonest.length > 0);
    const { status, body } = await queryJson({ zzjgdm: zzjgdm(s), type: 'sx', pageNo: 1, pageSize: 20 });
    expect(status).toBe(200);
    expect(body).toEqual({ success: true, total: s.court.dishonest.length, rows: s.court.dishonest.slice(0, 20).map(row) });
    expect(body.rows[0].ZXBD).toMatch(/^\d+\.\d{2}$/);
    expect(body.rows[0].LASJ).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('answers zx with enforcement cases and xg with consumption restrictions', async () => {
    const s = findSubject((x) => x.court.enforcement.length > 0);
    expect((await queryJson({ zzjgdm: zzjgdm(s), type: 'zx' })).body.rows).toEqual(s.court.enforcement.slice(0, 20).map(row));
    const r = findSubject((x) => x.court.restrictions.length > 0);
    expect((await queryJson({ zzjgdm: zzjgdm(r), type: 'xg' })).body.rows).toEqual(r.court.restrictions.slice(0, 20).map(row));
  });

  it('pages with pageNo and pageSize', async () => {
    const s = findSubject((x) => x.court.enforcement.length > 1);
    const { body } = await queryJson({ zzjgdm: zzjgdm(s), type: 'zx', pageNo: 2, pageSize: 1 });
    expect(body).toEqual({ success: true, total: s.court.enforcement.length, rows: [row(s.court.enforcement[1])] });
  });

  it('answers an unknown subject with success and total 0', async () => {
    const unknown = 'ZZZZZZZZ-0';
    expect(world.findByOrganizationCode(unknown)).toBeUndefined();
    expect((await queryJson({ zzjgdm: unknown, type: 'sx' })).body).toEqual({ success: true, total: 0, rows: [] });
  });

  it('refuses pageSize over 20 with HTTP 200 and success false', async () => {
    const s = world.subject(0);
    expect((await queryJson({ zzjgdm: zzjgdm(s), type: 'sx', pageSize: 20 })).body.success).toBe(true);
    const over = await queryJson({ zzjgdm: zzjgdm(s), type: 'sx', pageSize: 21 });
    expect(over.status).toBe(200);
    expect(over.body.success).toBe(false);
    expect(over.body.msg).toMatch(/pageSize/);
  });

  it('refuses an unknown type and an organization code not written XXXXXXXX-C', async () => {
    const s = world.subject(0);
    expect((await queryJson({ zzjgdm: zzjgdm(s), type: 'yy' })).body.success).toBe(false);
    expect((await queryJson({ zzjgdm: s.organizationCode, type: 'sx' })).body.success).toBe(false);
  });

  it('takes one subject per call: a list in zzjgdm is refused', async () => {
    const [a, b] = [world.subject(0), world.subject(1)];
    expect((await queryJson({ zzjgdm: `${zzjgdm(a)},${zzjgdm(b)}`, type: 'sx' })).body.success).toBe(false);
  });
});

describe('rate limit', () => {
  it('refuses the 9th concurrent request from one client at once with 429 and Retry-After: 1', async () => {
    standIn.setFaults({ latencyMs: 300 });
    const s = world.subject(0);
    const eight = Array.from({ length: 8 }, () => query({ zzjgdm: zzjgdm(s), type: 'sx' }));
    await new Promise((r) => setTimeout(r, 100));
    // answered well before the 300 ms every admitted request takes
    const ninth = await query({ zzjgdm: zzjgdm(s), type: 'sx' }, AbortSignal.timeout(250));
    expect(ninth.status).toBe(429);
    expect(ninth.headers.get('retry-after')).toBe('1');
    expect((await Promise.all(eight)).map((r) => r.status)).toEqual(Array(8).fill(200));
    // refused requests still count as requests, but asked for no keys
    expect(standIn.stats()).toEqual({ requests: 9, keys: 8 });
    // the slots are free again once the eight are answered
    expect((await query({ zzjgdm: zzjgdm(s), type: 'sx' })).status).toBe(200);
  });

  it('admits 8 concurrent requests', async () => {
    standIn.setFaults({ latencyMs: 200 });
    const s = world.subject(0);
    const results = await Promise.all(Array.from({ length: 8 }, () => query({ zzjgdm: zzjgdm(s), type: 'zx' })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
  });
});

describe('admin API', () => {
  const admin = (op: string, body?: unknown) =>
    fetch(`${standIn.url}/__admin/${op}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());

  it('counts one key per call, until reset', async () => {
    for (let i = 0; i < 3; i += 1) await query({ zzjgdm: zzjgdm(world.subject(i)), type: 'sx' });
    expect(await admin('stats')).toEqual({ requests: 3, keys: 3 });
    await admin('reset', {});
    expect(await admin('stats')).toEqual({ requests: 0, keys: 0 });
  });

  it('fails with HTTP 500 and a Java error page when errorRate is 1', async () => {
    await admin('faults', { errorRate: 1 });
    const r = await query({ zzjgdm: zzjgdm(world.subject(0)), type: 'sx' });
    expect(r.status).toBe(500);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.text).toMatch(/Exception/);
  });

  it('never answers while down', async () => {
    await admin('faults', { down: true });
    await expect(query({ zzjgdm: zzjgdm(world.subject(0)), type: 'sx' }, AbortSignal.timeout(300))).rejects.toThrow();
  });

  it('adds the configured latency to every answer', async () => {
    await admin('faults', { latencyMs: 400 });
    await expect(query({ zzjgdm: zzjgdm(world.subject(0)), type: 'sx' }, AbortSignal.timeout(150))).rejects.toThrow();
  });
});
