import { createWorld, subjectsWhere } from '../../world';
import type { StandIn } from '../../common/StandIn';
import type { Subject, World } from '../../world/types';
import { createMarketStandIn } from '../server';
import { compactDate, fenToWanYuan } from '../wire';

/** Speaks to the market stand-in over real HTTP, in market regulation's own protocol (legacy-systems.md §1). */

const API_KEY = 'test-key';
const world: World = createWorld({ size: 10000, seed: 1 });

const findSubject = (predicate: (s: Subject) => boolean, skip = 0) => subjectsWhere(world, predicate, { skip })[0]!;

const registered = (s: Subject) => s.enterprise !== null;

let standIn: StandIn;
beforeAll(async () => {
  standIn = createMarketStandIn({ world, latencyMs: 0, credentials: { apiKey: API_KEY } });
  await standIn.listen(0);
});
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

async function get(pathAndQuery: string, headers: Record<string, string> = { 'X-Api-Key': API_KEY }, signal?: AbortSignal) {
  const res = await fetch(`${standIn.url}${pathAndQuery}`, { headers, signal });
  return { status: res.status, body: (await res.json()) as any };
}

describe('authentication', () => {
  it('answers a request without X-Api-Key with HTTP 200 and code 1002', async () => {
    const { status, body } = await get(`/api/v2/enterprises?codes=${findSubject(registered).uscc}`, {});
    expect(status).toBe(200);
    expect(body.code).toBe('1002');
    expect(body.data).toBeUndefined();
  });

  it('answers a wrong X-Api-Key with code 1002 on every endpoint', async () => {
    const uscc = findSubject(registered).uscc;
    for (const path of [`/api/v2/enterprises?codes=${uscc}`, `/api/v2/abnormal?codes=${uscc}`, `/api/v2/penalties?code=${uscc}`, '/api/v2/search?name=a']) {
      expect((await get(path, { 'X-Api-Key': 'wrong' })).body.code).toBe('1002');
    }
  });

  it('takes its key from MARKET_API_KEY, defaulting to dev', async () => {
    const saved = process.env.MARKET_API_KEY;
    delete process.env.MARKET_API_KEY;
    const devStandIn = createMarketStandIn({ world, latencyMs: 0 });
    process.env.MARKET_API_KEY = 'from-env';
    const envStandIn = createMarketStandIn({ world, latencyMs: 0 });
    if (saved === undefined) delete process.env.MARKET_API_KEY;
    else process.env.MARKET_API_KEY = saved;
    try {
      const uscc = findSubject(registered).uscc;
      const dev = await fetch(`${await devStandIn.listen(0)}/api/v2/enterprises?codes=${uscc}`, { headers: { 'X-Api-Key': 'dev' } });
      expect(((await dev.json()) as any).code).toBe('0000');
      const env = await fetch(`${await envStandIn.listen(0)}/api/v2/enterprises?codes=${uscc}`, { headers: { 'X-Api-Key': 'from-env' } });
      expect(((await env.json()) as any).code).toBe('0000');
    } finally {
      await devStandIn.close();
      await envStandIn.close();
    }
  });

  it('refuses an empty key at construction, naming the variable', () => {
    expect(() => createMarketStandIn({ world, credentials: { apiKey: '' } })).toThrow(/MARKET_API_KEY/);
  });
});

describe('GET /api/v2/enterprises', () => {
  it('returns every field rendered from the register, with 万元 capital and YYYYMMDD dates', async () => {
    const s = findSubject(registered);
    const e = s.enterprise!;
    const { status, body } = await get(`/api/v2/enterprises?codes=${s.uscc}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      code: '0000',
      msg: '成功',
      data: [
        {
          TYSHXYDM: s.uscc,
          ZCH: s.registrationNumber,
          QYMC: e.name,
          QYLX: e.typeText,
          FDDBR: e.legalRepresentative.name,
          FDDBRZJHM: e.legalRepresentative.idNumber,
          ZCZB: fenToWanYuan(e.registeredCapitalFen),
          BZ: e.currency,
          CLRQ: compactDate(e.foundedOn),
          DJZT: e.status,
          DJJG: e.authority,
          ZS: e.address,
          JYFW: e.scope,
          HZRQ: compactDate(e.approvedOn),
        },
      ],
    });
    expect(body.data[0].CLRQ).toMatch(/^\d{8}$/);
  });

  it('finds a pre-2015 enterprise by its old 15-digit 注册号', async () => {
    const s = findSubject((x) => registered(x) && x.registrationNumber !== '');
    const { body } = await get(`/api/v2/enterprises?codes=${s.registrationNumber}`);
    expect(body.data.map((r: any) => [r.TYSHXYDM, r.ZCH])).toEqual([[s.uscc, s.registrationNumber]]);
  });

  it('leaves unknown codes and subjects market does not register simply absent', async () => {
    const known = findSubject(registered);
    const unregistered = findSubject((x) => x.enterprise === null);
    const unknown = '91350100M000100Y43';
    expect(world.findByUscc(unknown)).toBeUndefined();
    const { body } = await get(`/api/v2/enterprises?codes=${unknown},${unregistered.uscc},${known.uscc}`);
    expect(body.code).toBe('0000');
    expect(body.data.map((r: any) => r.TYSHXYDM)).toEqual([known.uscc]);
  });

  it('accepts 100 codes and refuses 101 with HTTP 200 and code 1001', async () => {
    const codes = Array.from({ length: 101 }, (_, i) => world.subject(i).uscc);
    const hundred = await get(`/api/v2/enterprises?codes=${codes.slice(0, 100).join(',')}`);
    expect(hundred.body.code).toBe('0000');
    expect(hundred.body.data.length).toBe(codes.slice(0, 100).filter((c) => registered(world.findByUscc(c)!)).length);
    const over = await get(`/api/v2/enterprises?codes=${codes.join(',')}`);
    expect(over.status).toBe(200);
    expect(over.body.code).toBe('1001');
    expect(over.body.data).toBeUndefined();
  });

  it('refuses a missing list and a code that is neither a USCC nor a 注册号 with code 1001', async () => {
    expect((await get('/api/v2/enterprises')).body.code).toBe('1001');
    expect((await get('/api/v2/enterprises?codes=12345')).body.code).toBe('1001');
  });
});

describe('GET /api/v2/abnormal', () => {
  it('lists every 经营异常名录 entry with YYYYMMDD dates and "" while not removed', async () => {
    const s = findSubject((x) => registered(x) && x.abnormal.length > 0);
    const { body } = await get(`/api/v2/abnormal?codes=${s.uscc}`);
    expect(body.code).toBe('0000');
    expect(body.data).toEqual(
      s.abnormal.map((a) => ({
        TYSHXYDM: s.uscc,
        LRYY: a.reason,
        LRRQ: compactDate(a.listedOn),
        LRJG: a.authority,
        YCYY: a.removalReason ?? '',
        YCRQ: a.removedOn ? compactDate(a.removedOn) : '',
      })),
    );
  });

  it('refuses 101 codes with code 1001', async () => {
    const codes = Array.from({ length: 101 }, (_, i) => world.subject(i).uscc);
    expect((await get(`/api/v2/abnormal?codes=${codes.join(',')}`)).body.code).toBe('1001');
  });
});

describe('GET /api/v2/penalties', () => {
  it('pages the 行政处罚 decisions of one code with the total', async () => {
    const s = findSubject((x) => registered(x) && x.penalties.length > 1);
    const p = s.penalties[1];
    const { body } = await get(`/api/v2/penalties?code=${s.uscc}&page=2&size=1`);
    expect(body).toEqual({
      code: '0000',
      msg: '成功',
      total: s.penalties.length,
      data: [
        {
          CFWSH: p.decisionNumber,
          WFXWLX: p.violationType,
          CFLB: p.kind,
          CFNR: p.content,
          FKJE: fenToWanYuan(p.fineFen),
          CFJDRQ: compactDate(p.decidedOn),
          CFJG: p.authority,
          GSJZQ: compactDate(p.publishUntil),
        },
      ],
    });
  });

  it('accepts size 50 and refuses size 51 with code 1001', async () => {
    const s = findSubject(registered);
    expect((await get(`/api/v2/penalties?code=${s.uscc}&page=1&size=50`)).body.code).toBe('0000');
    const over = await get(`/api/v2/penalties?code=${s.uscc}&page=1&size=51`);
    expect(over.status).toBe(200);
    expect(over.body.code).toBe('1001');
  });

  it('refuses more than one code, and a missing one, with code 1001', async () => {
    const [a, b] = [findSubject(registered), findSubject(registered, 1)];
    expect((await get(`/api/v2/penalties?code=${a.uscc},${b.uscc}`)).body.code).toBe('1001');
    expect((await get('/api/v2/penalties?page=1')).body.code).toBe('1001');
  });

  it('answers an unknown code with total 0', async () => {
    const { body } = await get('/api/v2/penalties?code=000000000000000');
    expect(body).toEqual({ code: '0000', msg: '成功', total: 0, data: [] });
  });
});

describe('GET /api/v2/search', () => {
  it('finds enterprises whose name contains the fragment', async () => {
    const s = findSubject(registered);
    const fragment = s.enterprise!.name.slice(0, 2);
    const { body } = await get(`/api/v2/search?name=${encodeURIComponent(fragment)}&size=10`);
    expect(body.code).toBe('0000');
    expect(body.data).toEqual(world.searchByName(fragment, 10).map((x) => ({ TYSHXYDM: x.uscc, QYMC: x.enterprise!.name, DJZT: x.enterprise!.status })));
    expect(body.data.length).toBeGreaterThan(0);
    for (const row of body.data) expect(row.QYMC).toContain(fragment);
  });

  it('refuses size over 50 and a missing name with code 1001', async () => {
    expect((await get('/api/v2/search?name=a&size=51')).body.code).toBe('1001');
    expect((await get('/api/v2/search?size=10')).body.code).toBe('1001');
  });
});

describe('admin API', () => {
  const admin = (op: string, body?: unknown) =>
    fetch(`${standIn.url}/__admin/${op}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());

  it('counts requests and the codes they asked for, until reset', async () => {
    const codes = Array.from({ length: 7 }, (_, i) => world.subject(i).uscc);
    await get(`/api/v2/enterprises?codes=${codes.join(',')}`);
    await get(`/api/v2/abnormal?codes=${codes.slice(0, 3).join(',')}`);
    await get(`/api/v2/penalties?code=${codes[0]}`);
    expect(await admin('stats')).toEqual({ requests: 3, keys: 11 });
    await admin('reset', {});
    expect(await admin('stats')).toEqual({ requests: 0, keys: 0 });
  });

  it('answers with HTTP 200 and code 9999 系统繁忙 when errorRate is 1', async () => {
    await admin('faults', { errorRate: 1 });
    const { status, body } = await get(`/api/v2/enterprises?codes=${findSubject(registered).uscc}`);
    expect(status).toBe(200);
    expect(body).toEqual({ code: '9999', msg: '系统繁忙' });
  });

  it('never answers while down', async () => {
    await admin('faults', { down: true });
    await expect(get(`/api/v2/enterprises?codes=${findSubject(registered).uscc}`, { 'X-Api-Key': API_KEY }, AbortSignal.timeout(300))).rejects.toThrow();
  });

  it('adds the configured latency to every answer', async () => {
    await admin('faults', { latencyMs: 400 });
    await expect(get(`/api/v2/enterprises?codes=${findSubject(registered).uscc}`, { 'X-Api-Key': API_KEY }, AbortSignal.timeout(150))).rejects.toThrow();
    await admin('faults', { latencyMs: 0 });
    expect((await get(`/api/v2/enterprises?codes=${findSubject(registered).uscc}`, { 'X-Api-Key': API_KEY }, AbortSignal.timeout(2000))).body.code).toBe('0000');
  });
});
