import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { createWorld, subjectsWhere } from '../../world';
import type { Subject, World } from '../../world/types';
import type { StandIn } from '../../common/StandIn';
import { createCustomsStandIn, CREDIT_CSV_PATH, MAPPING_PATH } from '../server';

const CREDENTIALS = { user: 'hgxy', password: '海关口令' };
const HEADER = ['海关编码', '企业名称', '信用等级', '认定日期', '年度', '进口额(美元)', '出口额(美元)', '违规次数'];

const basic = (c: { user: string; password: string }) =>
  'Basic ' + Buffer.from(`${c.user}:${c.password}`, 'utf8').toString('base64');

/** Expected dollars text, computed on the decimal string (independently of the stand-in's arithmetic). */
function centsToUsd(cents: number): string {
  const digits = String(Math.abs(cents)).padStart(3, '0');
  return `${cents < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

const findAll = (world: World, predicate: (s: Subject) => boolean, count: number, what: string) => subjectsWhere(world, predicate, { count, what });

describe('customs stand-in (企业信用数据接口)', () => {
  let world: World;
  let standIn: StandIn;
  let url: string;

  beforeAll(async () => {
    world = createWorld({ size: 10000, seed: 1 });
    standIn = createCustomsStandIn({ world, latencyMs: 0, credentials: CREDENTIALS });
    url = await standIn.listen(0);
  });
  afterAll(() => standIn.close());
  beforeEach(() => standIn.reset());

  const mapping = (uscc: unknown, init: { auth?: string | null; body?: string; signal?: AbortSignal } = {}) => {
    const auth = init.auth === undefined ? basic(CREDENTIALS) : init.auth;
    return fetch(url + MAPPING_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: auth }) },
      body: init.body ?? JSON.stringify({ uscc }),
      signal: init.signal,
    });
  };

  const creditCsv = (codes: string[], init: { auth?: string | null; signal?: AbortSignal } = {}) => {
    const auth = init.auth === undefined ? basic(CREDENTIALS) : init.auth;
    return fetch(`${url}${CREDIT_CSV_PATH}?hgbm=${codes.map(encodeURIComponent).join(',')}`, {
      headers: auth === null ? {} : { authorization: auth },
      signal: init.signal,
    });
  };

  const csvRows = async (res: Response): Promise<string[][]> =>
    parse(iconv.decode(Buffer.from(await res.arrayBuffer()), 'gbk')) as string[][];

  describe('POST /api/mapping', () => {
    it('maps registered enterprises to their 海关编码 and leaves the others out', async () => {
      const [registered] = findAll(world, (s) => s.customs !== null, 1, 'customs-registered enterprises');
      const [unregistered] = findAll(world, (s) => s.customs === null, 1, 'unregistered enterprises');
      const res = await mapping([unregistered!.uscc, registered!.uscc]);

      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ items: [{ uscc: registered!.uscc, hgbm: registered!.customs!.customsCode }] });
    });

    it('serves 100 codes in one call', async () => {
      const res = await mapping(Array.from({ length: 100 }, (_, i) => world.subject(i).uscc));
      expect(res.status).toBe(200);
    });

    it('refuses 101 codes with HTTP 400 and a JSON error', async () => {
      const res = await mapping(Array.from({ length: 101 }, (_, i) => world.subject(i).uscc));
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toHaveProperty('error');
    });

    it('refuses a body that is not JSON with HTTP 400', async () => {
      const res = await mapping(undefined, { body: '{"uscc":[' });
      expect(res.status).toBe(400);
    });

    it('refuses a body without a uscc array with HTTP 400', async () => {
      const res = await mapping('91350100M000100Y43');
      expect(res.status).toBe(400);
    });
  });

  describe('GET /api/credit.csv', () => {
    it('answers one GBK row per code per year under the fixed header, names and amounts exact', async () => {
      const subjects = findAll(world, (s) => s.customs !== null, 3, 'customs-registered enterprises');
      const res = await creditCsv(subjects.map((s) => s.customs!.customsCode));

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=GBK');
      const [header, ...rows] = await csvRows(res);
      expect(header).toEqual(HEADER);
      expect(rows).toEqual(
        subjects.flatMap(({ customs: c }) =>
          c!.years.map((y) => [
            c!.customsCode,
            c!.name,
            c!.creditClass,
            c!.certifiedOn,
            String(y.year),
            centsToUsd(y.importUsdCents),
            centsToUsd(y.exportUsdCents),
            String(y.violations),
          ]),
        ),
      );
      for (const row of rows) expect(['高级认证企业', '失信企业', '常规']).toContain(row[2]);
      for (const row of rows) expect(row[3]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });

    it('sends the Chinese text as GBK bytes, not UTF-8', async () => {
      const [s] = findAll(world, (x) => x.customs !== null, 1, 'customs-registered enterprises');
      const raw = Buffer.from(await (await creditCsv([s!.customs!.customsCode])).arrayBuffer());

      expect(raw.includes(iconv.encode(s!.customs!.name, 'gbk'))).toBe(true);
      expect(raw.includes(Buffer.from('海关编码', 'utf8'))).toBe(false);
    });

    it('answers unknown codes with no rows, only the header', async () => {
      const res = await creditCsv(['0000000000', 'not-a-code']);
      expect(res.status).toBe(200);
      expect(await csvRows(res)).toEqual([HEADER]);
    });

    it('serves 50 codes in one call', async () => {
      const res = await creditCsv(Array.from({ length: 50 }, (_, i) => String(1000000000 + i)));
      expect(res.status).toBe(200);
    });

    it('refuses 51 codes with HTTP 400', async () => {
      const res = await creditCsv(Array.from({ length: 51 }, (_, i) => String(1000000000 + i)));
      expect(res.status).toBe(400);
    });

    it('refuses a request without hgbm with HTTP 400', async () => {
      const res = await fetch(url + CREDIT_CSV_PATH, { headers: { authorization: basic(CREDENTIALS) } });
      expect(res.status).toBe(400);
    });
  });

  describe('HTTP Basic authentication', () => {
    it.each([
      ['no credentials', null],
      ['a wrong password', basic({ user: CREDENTIALS.user, password: 'wrong' })],
      ['a wrong user', basic({ user: 'guest', password: CREDENTIALS.password })],
      ['another scheme', 'Bearer abc'],
    ])('refuses %s on both endpoints with HTTP 401 and WWW-Authenticate', async (_, auth) => {
      const [s] = findAll(world, (x) => x.customs !== null, 1, 'customs-registered enterprises');
      for (const res of [await mapping([s!.uscc], { auth }), await creditCsv([s!.customs!.customsCode], { auth })]) {
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        expect(await res.text()).not.toContain(s!.customs!.customsCode);
      }
    });

    it('takes its credentials from CUSTOMS_USER / CUSTOMS_PASSWORD when none are given', async () => {
      const saved = { user: process.env.CUSTOMS_USER, password: process.env.CUSTOMS_PASSWORD };
      process.env.CUSTOMS_USER = 'env-user';
      process.env.CUSTOMS_PASSWORD = 'env-secret';
      const fromEnv = createCustomsStandIn({ world, latencyMs: 0 });
      if (saved.user === undefined) delete process.env.CUSTOMS_USER;
      else process.env.CUSTOMS_USER = saved.user;
      if (saved.password === undefined) delete process.env.CUSTOMS_PASSWORD;
      else process.env.CUSTOMS_PASSWORD = saved.password;
      const envUrl = await fromEnv.listen(0);
      try {
        const call = (c: { user: string; password: string }) =>
          fetch(`${envUrl}${CREDIT_CSV_PATH}?hgbm=`, { headers: { authorization: basic(c) } });
        expect((await call({ user: 'env-user', password: 'env-secret' })).status).toBe(200);
        expect((await call({ user: 'dev', password: 'dev' })).status).toBe(401);
      } finally {
        await fromEnv.close();
      }
    });
  });

  describe('options', () => {
    it('rejects a negative latency at construction', () => {
      expect(() => createCustomsStandIn({ world, latencyMs: -5 })).toThrow(/latencyMs/);
    });

    it('rejects empty credentials at construction, naming the variable', () => {
      expect(() => createCustomsStandIn({ world, credentials: { user: 'u', password: '' } })).toThrow(/CUSTOMS_PASSWORD/);
    });
  });

  describe('admin API', () => {
    const admin = (path: string, body?: unknown) =>
      fetch(url + '/__admin/' + path, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });

    it('counts requests and the identifiers they asked for, on both endpoints', async () => {
      await (await mapping(['A', 'B', 'C'])).arrayBuffer();
      await (await creditCsv(['1', '2'])).arrayBuffer();
      expect(await (await admin('stats')).json()).toEqual({ requests: 2, keys: 5 });

      await admin('reset', {});
      expect(await (await admin('stats')).json()).toEqual({ requests: 0, keys: 0 });
    });

    it('answers with HTTP 503 and a legacy HTML page when errors are injected', async () => {
      await admin('faults', { errorRate: 1 });
      for (const res of [await mapping(['A']), await creditCsv(['1'])]) {
        expect(res.status).toBe(503);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(iconv.decode(Buffer.from(await res.arrayBuffer()), 'gbk')).toMatch(/<html>.*503/s);
      }
    });

    it('never answers while down', async () => {
      await admin('faults', { down: true });
      await expect(creditCsv(['1'], { signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    });
  });
});
