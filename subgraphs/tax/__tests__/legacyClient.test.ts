import type { StandIn } from '../../../legacy/common/StandIn';
import { createTaxStandIn } from '../../../legacy/tax/server';
import { createWorld, subjectsWhere } from '../../../legacy/world';
import type { Subject, World } from '../../../legacy/world/types';
import { oldTaxRegistrationNumber } from '../../../lib/ids';
import { DepartmentUnavailableError, MalformedRecordError } from '../../../lib/subgraph/errors';
import { TAX_BATCH_LIMIT, TaxClient, type TaxpayerRecord } from '../legacyClient';

// Chinese credentials with XML metacharacters: they only arrive intact if escaped and sent as GBK.
const CREDENTIALS = { user: '纳税<信用>', password: '口令&2024"' };

const find = (world: World, predicate: (s: Subject) => boolean, what: string, count = 1) => subjectsWhere(world, predicate, { what, count });

/** What the adapter should make of a world record, computed from the world's own integers. */
function expected(s: Subject): TaxpayerRecord {
  const t = s.tax!;
  return {
    taxpayerId: t.taxpayerId,
    name: t.name,
    ratings: t.ratings.map((r) => ({ year: r.year, grade: r.grade })),
    payments: t.payments.map((p) => ({ year: p.year, amountCents: BigInt(p.amountFen) })),
    arrears: t.arrears.map((a) => ({ taxKind: a.taxKind, amountCents: BigInt(a.amountFen), since: a.since })),
    majorViolations: t.majorViolations.map((v) => ({ ...v })),
  };
}

/** the records of an answer in which every record is well-formed */
async function read(client: TaxClient, ids: string[]): Promise<TaxpayerRecord[]> {
  const { records, malformed } = await client.queryNsxx(ids);
  expect(malformed).toEqual([]);
  return records;
}

describe('TaxClient against the tax stand-in (纳税信用查询服务)', () => {
  let world: World;
  let standIn: StandIn;
  let url: string;
  const clients: TaxClient[] = [];
  const newClient = (options: { timeoutMs?: number; user?: string; password?: string } = {}) => {
    const client = new TaxClient({ baseUrl: url, ...CREDENTIALS, ...options });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    world = createWorld({ size: 10000, seed: 1 });
    standIn = createTaxStandIn({ world, latencyMs: 0, credentials: CREDENTIALS });
    url = await standIn.listen(0);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await standIn.close();
  });
  beforeEach(() => standIn.reset());

  describe('reading taxpayers', () => {
    it('returns a post-2015 taxpayer asked for by USCC with the values the world holds', async () => {
      const [s] = find(world, (x) => x.tax !== null && !x.registeredBefore2015 && x.tax.ratings.length > 1, 'post-2015 taxpayers');
      const records = await read(newClient(), [s!.uscc]);
      expect(records).toEqual([expected(s!)]);
      expect(records[0]!.taxpayerId).toBe(s!.uscc);
    });

    it('finds a pre-2015 taxpayer only by its old 税务登记号, never by its USCC', async () => {
      const [s] = find(world, (x) => x.tax !== null && x.registeredBefore2015, 'pre-2015 taxpayers');
      const client = newClient();
      expect(await read(client, [s!.uscc])).toEqual([]);
      const old = oldTaxRegistrationNumber(s!.uscc);
      expect(old).toHaveLength(15);
      expect(await read(client, [old])).toEqual([expected(s!)]);
    });

    it('leaves out a subject tax does not know, by either identifier', async () => {
      const [absent] = find(world, (x) => x.tax === null, 'subjects unknown to tax');
      const [known] = find(world, (x) => x.tax !== null && !x.registeredBefore2015, 'post-2015 taxpayers');
      const records = await read(newClient(), [absent!.uscc, oldTaxRegistrationNumber(absent!.uscc), known!.uscc]);
      expect(records.map((r) => r.taxpayerId)).toEqual([known!.uscc]);
    });

    it('round-trips Chinese text of names, arrears and major violations through GBK', async () => {
      const [violator] = find(world, (x) => x.tax !== null && x.tax.majorViolations.length > 0, 'major tax violators');
      const [debtor] = find(world, (x) => x.tax !== null && x.tax.arrears.length > 0, 'taxpayers in arrears');
      const ids = [violator!, debtor!].map((s) => s.tax!.taxpayerId);
      const records = await read(newClient(), ids);
      expect(records).toEqual([expected(violator!), expected(debtor!)]);
      expect(records[0]!.majorViolations[0]!.facts).toMatch(/税务局/);
      expect(records[1]!.arrears[0]!.taxKind).toMatch(/税/);
    });

    it('keeps the empty lists of a taxpayer rated in no year as empty lists', async () => {
      const [s] = find(world, (x) => x.tax !== null && x.tax.ratings.length === 0, 'taxpayers without rating');
      const [record] = await read(newClient(), [s!.tax!.taxpayerId]);
      expect(record).toEqual(expected(s!));
      expect(record!.ratings).toEqual([]);
    });
  });

  describe('malformed records', () => {
    it('refuses a record with an unknown 纳税信用等级 by its nsrsbh and serves the rest of the batch', async () => {
      const [bad, good] = find(world, (x) => x.tax !== null, 'taxpayers', 2);
      standIn.setFaults({ malformed: [bad!.uscc] });
      const { records, malformed } = await newClient().queryNsxx([bad!.tax!.taxpayerId, good!.tax!.taxpayerId]);
      expect(records).toEqual([expected(good!)]);
      expect(malformed).toEqual([expect.any(MalformedRecordError)]);
      expect(malformed[0]).toMatchObject({ department: 'tax', record: bad!.tax!.taxpayerId, problem: '<dj> "E" is not a 纳税信用等级 A B M C D' });
      expect(standIn.stats().requests).toBe(1);
    });
  });

  describe('batch limit', () => {
    it('asks for 20 IDs in one call', async () => {
      const ids = Array.from({ length: TAX_BATCH_LIMIT }, (_, i) => world.subject(i).uscc);
      await newClient().queryNsxx(ids);
      expect(standIn.stats()).toEqual({ requests: 1, keys: 20 });
    });

    it('refuses 21 IDs before calling the service', async () => {
      const ids = Array.from({ length: TAX_BATCH_LIMIT + 1 }, (_, i) => world.subject(i).uscc);
      await expect(newClient().queryNsxx(ids)).rejects.toThrow(/at most 20/);
      expect(standIn.stats().requests).toBe(0);
    });
  });

  describe('failures', () => {
    it('retries the service busy fault (soap:Server 系统繁忙) and then reports the department unavailable without its text', async () => {
      standIn.setFaults({ errorRate: 1 });
      const error = await newClient().queryNsxx([world.subject(0).uscc]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentUnavailableError);
      expect((error as DepartmentUnavailableError).department).toBe('tax');
      expect((error as Error).message).not.toMatch(/系统繁忙|<|127\.0\.0\.1|http:/);
      expect(standIn.stats().requests).toBe(2);
    });

    it('does not retry a client fault (wrong credentials) and keeps its faultstring out of the message', async () => {
      const error = await newClient({ password: 'wrong' }).queryNsxx([world.subject(0).uscc]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentUnavailableError);
      expect((error as Error).message).toMatch(/Client/);
      expect((error as Error).message).not.toMatch(/认证失败|<|127\.0\.0\.1/);
      expect(standIn.stats().requests).toBe(1);
    });

    it('gives up on a hung system at the client deadline with DepartmentUnavailableError', async () => {
      standIn.setFaults({ down: true });
      const error = await newClient({ timeoutMs: 200 }).queryNsxx([world.subject(0).uscc]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentUnavailableError);
      expect((error as Error).message).not.toMatch(/127\.0\.0\.1|http:/);
    });
  });
});
