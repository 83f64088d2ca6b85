import type { StandIn } from '../../../legacy/common/StandIn';
import { createCustomsStandIn } from '../../../legacy/customs/server';
import { createWorld, subjectsWhere } from '../../../legacy/world';
import type { Subject, World } from '../../../legacy/world/types';
import type { CheckedRecords } from '../../../lib/legacy/checkedRecords';
import { DepartmentUnavailableError, MalformedRecordError } from '../../../lib/subgraph/errors';
import { CSV_BATCH_LIMIT, CustomsClient, MAPPING_BATCH_LIMIT, type CustomsCreditRecord } from '../legacyClient';

const CREDENTIALS = { user: 'hgxy', password: '海关口令' };

const find = (world: World, predicate: (s: Subject) => boolean, what: string, count = 1) => subjectsWhere(world, predicate, { what, count });

const CLASSES: Record<string, CustomsCreditRecord['creditClass']> = { 高级认证企业: 'ADVANCED_CERTIFIED', 失信企业: 'DISHONEST', 常规: 'REGULAR' };

/** the well-formed records of an answer (asserting there is no malformed one) */
function wellFormed<T>({ records, malformed }: CheckedRecords<T>): T[] {
  expect(malformed).toEqual([]);
  return records;
}

function expected(s: Subject): CustomsCreditRecord {
  const c = s.customs!;
  return {
    customsCode: c.customsCode,
    name: c.name,
    creditClass: CLASSES[c.creditClass],
    creditClassText: c.creditClass as CustomsCreditRecord['creditClassText'],
    certifiedOn: c.certifiedOn,
    years: c.years.map((y) => ({
      year: y.year,
      importUsdCents: BigInt(y.importUsdCents),
      exportUsdCents: BigInt(y.exportUsdCents),
      violations: y.violations,
    })),
  };
}

/** The customs front proxy's maintenance page names these; none may surface in an error. */
const LEAKS = /WebLogic|hgxy-app01|customs\.internal|系统维护|<html|127\.0\.0\.1|http:/;

describe('CustomsClient against the customs stand-in (企业信用数据接口)', () => {
  let world: World;
  let standIn: StandIn;
  let url: string;
  const clients: CustomsClient[] = [];
  const newClient = (options: { timeoutMs?: number; password?: string } = {}) => {
    const client = new CustomsClient({ baseUrl: url, ...CREDENTIALS, ...options });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    world = createWorld({ size: 10000, seed: 1 });
    standIn = createCustomsStandIn({ world, latencyMs: 0, credentials: CREDENTIALS });
    url = await standIn.listen(0);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await standIn.close();
  });
  beforeEach(() => standIn.reset());

  describe('mapping USCC → 海关编码', () => {
    it('maps a registered enterprise and leaves an unregistered one out', async () => {
      const [registered] = find(world, (s) => s.customs !== null, 'customs-registered enterprises');
      const [unregistered] = find(world, (s) => s.customs === null, 'unregistered subjects');
      const items = wellFormed(await newClient().mapping([unregistered!.uscc, registered!.uscc]));
      expect(items).toEqual([{ uscc: registered!.uscc, hgbm: registered!.customs!.customsCode }]);
    });
  });

  describe('credit.csv', () => {
    it('reads the three years of a registered enterprise with the values the world holds, Chinese text intact', async () => {
      const [s] = find(world, (x) => x.customs !== null && x.customs.years.length === 3, 'enterprises with three customs years');
      const records = wellFormed(await newClient().creditCsv([s!.customs!.customsCode]));
      expect(records).toEqual([expected(s!)]);
      expect(records[0]!.name).toMatch(/[\u4e00-\u9fff]/);
    });

    it('reads every credit class as customs writes it', async () => {
      const classes = ['高级认证企业', '失信企业', '常规'] as const;
      const subjects = classes.map((c) => find(world, (x) => x.customs?.creditClass === c, `${c} enterprises`)[0]!);
      const records = wellFormed(await newClient().creditCsv(subjects.map((s) => s.customs!.customsCode)));
      expect(records).toEqual(subjects.map(expected));
    });

    it('gathers the rows of several enterprises per code and leaves unknown codes out', async () => {
      const registered = find(world, (s) => s.customs !== null, 'customs-registered enterprises', 4);
      const records = wellFormed(await newClient().creditCsv(['0000000000', ...registered.map((s) => s.customs!.customsCode)]));
      expect(records).toEqual(registered.map(expected));
    });

    it('refuses an enterprise whose rows carry an unknown 信用等级 by its 海关编码, all its years, and serves the others', async () => {
      const [bad, good] = find(world, (x) => x.customs !== null && x.customs.years.length > 1, 'enterprises with several customs years', 2);
      standIn.setFaults({ malformed: [bad!.uscc] });
      const { records, malformed } = await newClient().creditCsv([bad!.customs!.customsCode, good!.customs!.customsCode]);
      expect(records).toEqual([expected(good!)]);
      expect(malformed).toEqual([expect.any(MalformedRecordError)]);
      expect(malformed[0]).toMatchObject({ department: 'customs', record: bad!.customs!.customsCode, problem: '信用等级 "优秀企业" is not a known class' });
    });
  });

  describe('batch limits', () => {
    it('maps 100 codes in one call and refuses 101 before calling', async () => {
      const codes = Array.from({ length: MAPPING_BATCH_LIMIT + 1 }, (_, i) => world.subject(i).uscc);
      const client = newClient();
      await client.mapping(codes.slice(0, MAPPING_BATCH_LIMIT));
      await expect(client.mapping(codes)).rejects.toThrow(/at most 100/);
      expect(standIn.stats()).toEqual({ requests: 1, keys: 100 });
    });

    it('reads 50 codes in one call and refuses 51 before calling', async () => {
      const codes = find(world, (s) => s.customs !== null, 'customs-registered enterprises', CSV_BATCH_LIMIT + 1).map((s) => s.customs!.customsCode);
      const client = newClient();
      expect(wellFormed(await client.creditCsv(codes.slice(0, CSV_BATCH_LIMIT)))).toHaveLength(CSV_BATCH_LIMIT);
      await expect(client.creditCsv(codes)).rejects.toThrow(/at most 50/);
      expect(standIn.stats()).toEqual({ requests: 1, keys: 50 });
    });
  });

  describe('failures', () => {
    it('retries a 503 maintenance page, then reports the department unavailable without the page', async () => {
      standIn.setFaults({ errorRate: 1 });
      const error = await newClient().mapping([world.subject(0).uscc]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentUnavailableError);
      expect((error as DepartmentUnavailableError).department).toBe('customs');
      expect((error as Error).message).toMatch(/503/);
      expect((error as Error).message).not.toMatch(LEAKS);
      expect(standIn.stats().requests).toBe(2);
    });

    it('does not retry refused credentials (HTTP 401)', async () => {
      const error = await newClient({ password: 'wrong' }).creditCsv(['1234567890']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentUnavailableError);
      expect((error as Error).message).toMatch(/401/);
      expect(standIn.stats().requests).toBe(1);
    });

    it('gives up on a hung system at the client deadline with DepartmentUnavailableError', async () => {
      standIn.setFaults({ down: true });
      const error = await newClient({ timeoutMs: 200 }).creditCsv(['1234567890']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentUnavailableError);
      expect((error as Error).message).not.toMatch(LEAKS);
    });
  });
});
