import iconv from 'iconv-lite';
import { XMLParser } from 'fast-xml-parser';
import { createWorld, subjectWhere } from '../../world';
import type { Subject, World } from '../../world/types';
import type { StandIn } from '../../common/StandIn';
import { createTaxStandIn, SERVICE_PATH } from '../server';

/** Expected yuan text, computed on the decimal string (independently of the stand-in's arithmetic). */
function fenToYuan(fen: number): string {
  const digits = String(Math.abs(fen)).padStart(3, '0');
  return `${fen < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

// Chinese credentials make every request carry Chinese text that only decodes right as GBK.
const CREDENTIALS = { user: '纳税信用', password: '口令2024' };
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function envelopeXml(ids: string[], auth: { user: string; password: string } | null = CREDENTIALS): string {
  const header = auth
    ? `<soap:Header><auth><user>${xmlEscape(auth.user)}</user><password>${xmlEscape(auth.password)}</password></auth></soap:Header>`
    : '';
  return (
    `<?xml version="1.0" encoding="GBK"?>` +
    `<soap:Envelope xmlns:soap="${SOAP_NS}">${header}<soap:Body><queryNsxx><nsrsbhList>` +
    ids.map((id) => `<nsrsbh>${xmlEscape(id)}</nsrsbh>`).join('') +
    `</nsrsbhList></queryNsxx></soap:Body></soap:Envelope>`
  );
}

interface CallOptions {
  body?: Buffer;
  contentType?: string | null;
  soapAction?: string | null;
  signal?: AbortSignal;
}

async function post(url: string, options: CallOptions) {
  const headers: Record<string, string> = {};
  const contentType = options.contentType === undefined ? 'text/xml; charset=GBK' : options.contentType;
  const soapAction = options.soapAction === undefined ? '"queryNsxx"' : options.soapAction;
  if (contentType !== null) headers['content-type'] = contentType;
  if (soapAction !== null) headers['soapaction'] = soapAction;
  const res = await fetch(url + SERVICE_PATH, {
    method: 'POST',
    headers,
    body: options.body === undefined ? undefined : new Uint8Array(options.body),
    signal: options.signal,
  });
  const raw = Buffer.from(await res.arrayBuffer());
  return { status: res.status, contentType: res.headers.get('content-type'), raw, xml: iconv.decode(raw, 'gbk') };
}

const query = (url: string, ids: string[]) => post(url, { body: iconv.encode(envelopeXml(ids), 'gbk') });

const parser = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['nsrxx', 'xydj', 'nse', 'qs', 'zdaj'].includes(name),
});

interface Nsrxx {
  nsrsbh: string;
  nsrmc: string;
  xydjList: { xydj?: { nd: string; dj: string }[] } | '';
  nseList: { nse?: { nd: string; je: string }[] } | '';
  qsList: { qs?: { sz: string; je: string; qsrq: string }[] } | '';
  zdajList: { zdaj?: { ajxz: string; wfss: string; cfqk: string; gbrq: string }[] } | '';
}

function nsrxxOf(xml: string): Nsrxx[] {
  const doc = parser.parse(xml);
  const ret = doc['soap:Envelope']['soap:Body'].queryNsxxResponse.return;
  return ret === '' ? [] : ret.nsrxx;
}

function faultOf(xml: string): { faultcode: string; faultstring: string } {
  return parser.parse(xml)['soap:Envelope']['soap:Body']['soap:Fault'];
}

const list = <T>(l: { [k: string]: T[] | undefined } | '', key: string): T[] => (l === '' ? [] : (l[key] ?? []));

const find = (world: World, predicate: (s: Subject) => boolean, what: string) => subjectWhere(world, predicate, what);

describe('tax stand-in (纳税信用查询服务)', () => {
  let world: World;
  let standIn: StandIn;
  let url: string;

  beforeAll(async () => {
    world = createWorld({ size: 10000, seed: 1 });
    standIn = createTaxStandIn({ world, latencyMs: 0, credentials: CREDENTIALS });
    url = await standIn.listen(0);
  });
  afterAll(() => standIn.close());
  beforeEach(() => standIn.reset());

  describe('queryNsxx', () => {
    it('returns the full record of a post-2015 taxpayer asked by USCC, its Chinese name intact through GBK', async () => {
      const s = find(world, (x) => x.tax !== null && !x.registeredBefore2015 && x.tax.payments.length > 0, 'post-2015 taxpayer');
      const tax = s.tax!;
      const res = await query(url, [s.uscc]);

      expect(res.status).toBe(200);
      expect(res.contentType).toBe('text/xml; charset=GBK');
      // the name travels as GBK bytes, not UTF-8
      expect(res.raw.includes(iconv.encode(tax.name, 'gbk'))).toBe(true);
      expect(res.raw.includes(Buffer.from(tax.name, 'utf8'))).toBe(false);
      const [record, ...rest] = nsrxxOf(res.xml);
      expect(rest).toHaveLength(0);
      expect(record!.nsrsbh).toBe(s.uscc);
      expect(record!.nsrmc).toBe(tax.name);
      expect(list(record!.xydjList, 'xydj')).toEqual(tax.ratings.map((r) => ({ nd: String(r.year), dj: r.grade })));
      expect(list(record!.nseList, 'nse')).toEqual(tax.payments.map((p) => ({ nd: String(p.year), je: fenToYuan(p.amountFen) })));
    });

    it('knows a pre-2015 taxpayer only by its old 税务登记号: absent when asked by USCC, found by positions 3-17', async () => {
      const s = find(world, (x) => x.tax !== null && x.registeredBefore2015, 'pre-2015 taxpayer');
      const oldNumber = s.uscc.slice(2, 17);

      expect(nsrxxOf((await query(url, [s.uscc])).xml)).toEqual([]);
      const [record] = nsrxxOf((await query(url, [oldNumber])).xml);
      expect(record!.nsrsbh).toBe(oldNumber);
      expect(record!.nsrmc).toBe(s.tax!.name);
    });

    it('renders arrears and major violations with amounts in yuan to the fen', async () => {
      const s = find(world, (x) => (x.tax?.arrears.length ?? 0) > 0, 'taxpayer in arrears');
      const v = find(world, (x) => (x.tax?.majorViolations.length ?? 0) > 0, 'taxpayer with a major violation');
      const records = nsrxxOf((await query(url, [s.tax!.taxpayerId, v.tax!.taxpayerId])).xml);

      expect(list(records[0]!.qsList, 'qs')).toEqual(
        s.tax!.arrears.map((a) => ({ sz: a.taxKind, je: fenToYuan(a.amountFen), qsrq: a.since })),
      );
      expect(list(records[1]!.zdajList, 'zdaj')).toEqual(
        v.tax!.majorViolations.map((m) => ({ ajxz: m.nature, wfss: m.facts, cfqk: m.punishment, gbrq: m.publishedOn })),
      );
    });

    it('emits the empty list element when a taxpayer has no arrears or violations', async () => {
      const s = find(world, (x) => x.tax !== null && x.tax.arrears.length === 0 && x.tax.majorViolations.length === 0, 'clean taxpayer');
      const { xml } = await query(url, [s.tax!.taxpayerId]);

      expect(xml).toMatch(/<qsList><\/qsList>|<qsList\/>/);
      expect(xml).toMatch(/<zdajList><\/zdajList>|<zdajList\/>/);
    });

    it('leaves unknown IDs out and answers the known ones in request order', async () => {
      const a = find(world, (x) => x.tax !== null, 'taxpayer');
      const b = find(world, (x) => x.tax !== null && x.index > a.index, 'second taxpayer');
      const records = nsrxxOf((await query(url, [b.tax!.taxpayerId, '91000000MA0000000X', a.tax!.taxpayerId])).xml);

      expect(records.map((r) => r.nsrsbh)).toEqual([b.tax!.taxpayerId, a.tax!.taxpayerId]);
    });

    it('decodes the body per the declared charset, so a UTF-8 envelope declared as UTF-8 is served too', async () => {
      const s = find(world, (x) => x.tax !== null, 'taxpayer');
      const res = await post(url, {
        body: Buffer.from(envelopeXml([s.tax!.taxpayerId]), 'utf8'),
        contentType: 'text/xml; charset=UTF-8',
      });

      expect(res.status).toBe(200);
      expect(res.contentType).toBe('text/xml; charset=GBK');
      expect(nsrxxOf(res.xml)[0]!.nsrmc).toBe(s.tax!.name);
    });
  });

  describe('limits', () => {
    it('serves 20 IDs in one call', async () => {
      const res = await query(url, Array.from({ length: 20 }, (_, i) => world.subject(i).uscc));
      expect(res.status).toBe(200);
    });

    it('refuses 21 IDs with a soap:Client fault', async () => {
      const res = await query(url, Array.from({ length: 21 }, (_, i) => world.subject(i).uscc));
      expect(res.status).toBe(500);
      expect(faultOf(res.xml).faultcode).toBe('soap:Client');
    });
  });

  describe('SOAP binding', () => {
    const body = () => iconv.encode(envelopeXml(['91350100M000100Y43']), 'gbk');

    it.each([
      ['a content type other than text/xml', { contentType: 'application/json' }],
      ['no content type', { contentType: null }],
      ['a charset iconv-lite does not know', { contentType: 'text/xml; charset=klingon' }],
      ['no SOAPAction', { soapAction: null }],
      ['a wrong SOAPAction', { soapAction: '"deleteNsxx"' }],
    ])('answers %s with a soap:Client fault (HTTP 500)', async (_, options) => {
      const res = await post(url, { body: body(), ...options });
      expect(res.status).toBe(500);
      expect(res.contentType).toBe('text/xml; charset=GBK');
      expect(faultOf(res.xml).faultcode).toBe('soap:Client');
    });

    it('answers malformed XML with a soap:Client fault', async () => {
      const res = await post(url, { body: iconv.encode('<soap:Envelope xmlns:soap="x"><soap:Body><查询>', 'gbk') });
      expect(res.status).toBe(500);
      expect(faultOf(res.xml).faultcode).toBe('soap:Client');
    });

    it('answers a well-formed document that is not a SOAP envelope with a soap:Client fault', async () => {
      const res = await post(url, { body: iconv.encode('<queryNsxx><nsrsbhList/></queryNsxx>', 'gbk') });
      expect(res.status).toBe(500);
      expect(faultOf(res.xml).faultcode).toBe('soap:Client');
    });

    it('answers an envelope outside the SOAP 1.1 namespace with soap:VersionMismatch', async () => {
      const xml = envelopeXml([]).replace(SOAP_NS, 'http://www.w3.org/2003/05/soap-envelope');
      const res = await post(url, { body: iconv.encode(xml, 'gbk') });
      expect(res.status).toBe(500);
      expect(faultOf(res.xml).faultcode).toBe('soap:VersionMismatch');
    });

    it('answers a body without queryNsxx with a soap:Client fault', async () => {
      const xml = envelopeXml([]).replace(/<queryNsxx>.*<\/queryNsxx>/, '<deleteNsxx/>');
      const res = await post(url, { body: iconv.encode(xml, 'gbk') });
      expect(res.status).toBe(500);
      expect(faultOf(res.xml).faultcode).toBe('soap:Client');
    });
  });

  describe('authentication', () => {
    it.each([
      ['a wrong password', { user: CREDENTIALS.user, password: '错误口令' }],
      ['a wrong user', { user: '访客', password: CREDENTIALS.password }],
      ['no auth header', null],
    ])('refuses %s with a soap:Client fault (HTTP 500) and no data', async (_, auth) => {
      const s = find(world, (x) => x.tax !== null, 'taxpayer');
      const res = await post(url, { body: iconv.encode(envelopeXml([s.tax!.taxpayerId], auth), 'gbk') });
      expect(res.status).toBe(500);
      expect(faultOf(res.xml).faultcode).toBe('soap:Client');
      expect(res.xml).not.toContain(s.tax!.name);
    });

    it('refuses GBK credentials declared as UTF-8, since they decode to other text', async () => {
      const res = await post(url, { body: iconv.encode(envelopeXml([]), 'gbk'), contentType: 'text/xml; charset=UTF-8' });
      expect(res.status).toBe(500);
      expect(faultOf(res.xml).faultcode).toBe('soap:Client');
    });

    it('takes its credentials from TAX_USER / TAX_PASSWORD when none are given', async () => {
      const saved = { user: process.env.TAX_USER, password: process.env.TAX_PASSWORD };
      process.env.TAX_USER = '税务用户';
      process.env.TAX_PASSWORD = 'env-secret';
      const fromEnv = createTaxStandIn({ world, latencyMs: 0 });
      if (saved.user === undefined) delete process.env.TAX_USER;
      else process.env.TAX_USER = saved.user;
      if (saved.password === undefined) delete process.env.TAX_PASSWORD;
      else process.env.TAX_PASSWORD = saved.password;
      const envUrl = await fromEnv.listen(0);
      try {
        const ok = await post(envUrl, { body: iconv.encode(envelopeXml([], { user: '税务用户', password: 'env-secret' }), 'gbk') });
        const refused = await post(envUrl, { body: iconv.encode(envelopeXml([], { user: 'dev', password: 'dev' }), 'gbk') });
        expect(ok.status).toBe(200);
        expect(refused.status).toBe(500);
      } finally {
        await fromEnv.close();
      }
    });
  });

  describe('options', () => {
    it('rejects a negative latency at construction', () => {
      expect(() => createTaxStandIn({ world, latencyMs: -1 })).toThrow(/latencyMs/);
    });

    it('rejects empty credentials at construction, naming the variable', () => {
      expect(() => createTaxStandIn({ world, credentials: { user: '', password: 'x' } })).toThrow(/TAX_USER/);
    });
  });

  describe('admin API', () => {
    const admin = (path: string, body?: unknown) =>
      fetch(url + '/__admin/' + path, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });

    it('counts requests and the IDs they asked for', async () => {
      await query(url, ['A', 'B', 'C']);
      await query(url, ['D', 'E']);
      expect(await (await admin('stats')).json()).toEqual({ requests: 2, keys: 5 });

      await admin('reset', {});
      expect(await (await admin('stats')).json()).toEqual({ requests: 0, keys: 0 });
    });

    it('answers with a soap:Server 系统繁忙 fault when errors are injected', async () => {
      await admin('faults', { errorRate: 1 });
      const res = await query(url, [world.subject(0).uscc]);

      expect(res.status).toBe(500);
      expect(res.contentType).toBe('text/xml; charset=GBK');
      expect(faultOf(res.xml)).toEqual({ faultcode: 'soap:Server', faultstring: '系统繁忙' });
    });

    it('never answers while down', async () => {
      await admin('faults', { down: true });
      await expect(
        post(url, { body: iconv.encode(envelopeXml([]), 'gbk'), signal: AbortSignal.timeout(300) }),
      ).rejects.toThrow(/abort|timeout/i);
    });
  });
});
