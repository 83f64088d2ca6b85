import type { StandIn } from '../../../legacy/common/StandIn';
import { createMarketStandIn } from '../../../legacy/market/server';
import { createWorld, subjectsWhere } from '../../../legacy/world';
import type { Subject, World } from '../../../legacy/world/types';
import { DepartmentUnavailableError, MalformedRecordError } from '../../../lib/subgraph/errors';
import { MARKET_BATCH_LIMIT, MARKET_PENALTY_PAGE_SIZE, MarketClient } from '../legacyClient';

const API_KEY = 'market-test-key';

const find = (world: World, predicate: (s: Subject) => boolean, what: string, count = 1) => subjectsWhere(world, predicate, { what, count });

/** 分 → yuan with two decimals on the digits, independently of the stand-in's 万元 and the adapter's arithmetic */
function yuan(fen: number): string {
  const digits = String(fen).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

const STATUS: Record<string, string> = { 存续: 'EXISTING', 在业: 'OPERATING', 迁出: 'MOVED_OUT', 吊销: 'LICENSE_REVOKED', 注销: 'DEREGISTERED' };

describe('MarketClient against the market stand-in (企业登记与信用公示)', () => {
  let world: World;
  let standIn: StandIn;
  let url: string;
  const clients: MarketClient[] = [];
  const newClient = (options: { timeoutMs?: number; apiKey?: string } = {}) => {
    const client = new MarketClient({ baseUrl: url, apiKey: API_KEY, ...options });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    world = createWorld({ size: 10000, seed: 1 });
    standIn = createMarketStandIn({ world, latencyMs: 0, credentials: { apiKey: API_KEY } });
    url = await standIn.listen(0);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await standIn.close();
  });
  beforeEach(() => standIn.reset());

  describe('enterprises', () => {
    it('returns the registration the world holds, normalized, the legal representative’s ID included', async () => {
      const [s] = find(world, (x) => x.enterprise !== null && x.registeredBefore2015, 'pre-2015 enterprises');
      const e = s!.enterprise!;
      const { records, malformed } = await newClient().enterprises([s!.uscc]);
      expect(malformed).toEqual([]);
      expect(records).toEqual([
        {
          uscc: s!.uscc,
          name: e.name,
          legalRepresentative: e.legalRepresentative.name,
          legalRepresentativeIdNumber: e.legalRepresentative.idNumber,
          registeredCapital: yuan(e.registeredCapitalFen),
          registeredCapitalCurrency: e.currency === '人民币' ? 'CNY' : expect.anything(),
          registeredCapitalCurrencyText: e.currency,
          establishedOn: e.foundedOn,
          status: STATUS[e.status],
          statusText: e.status,
          oldRegistrationNumber: s!.registrationNumber,
          type: e.typeText,
          authority: e.authority,
          address: e.address,
          businessScope: e.scope,
          approvedOn: e.approvedOn,
        },
      ]);
      expect(records[0]!.oldRegistrationNumber).toMatch(/^\d{15}$/);
    });

    it('leaves out subjects market regulation does not know', async () => {
      const [unknown] = find(world, (x) => x.enterprise === null, 'subjects unknown to market');
      const [known] = find(world, (x) => x.enterprise !== null, 'enterprises');
      const { records } = await newClient().enterprises([unknown!.uscc, known!.uscc]);
      expect(records.map((r) => r.uscc)).toEqual([known!.uscc]);
    });

    it('asks for 100 codes in one call', async () => {
      const codes = Array.from({ length: MARKET_BATCH_LIMIT }, (_, i) => world.subject(i).uscc);
      const { records } = await newClient().enterprises(codes);
      expect(records.length).toBe(codes.filter((c) => world.findByUscc(c)!.enterprise !== null).length);
      expect(standIn.stats()).toEqual({ requests: 1, keys: 100 });
    });

    it('refuses a malformed record (CLRQ 20231345) by its code, serves the others, and counts the call as failed', async () => {
      const [bad, good] = find(world, (x) => x.enterprise !== null, 'enterprises', 2);
      standIn.setFaults({ malformed: [bad!.uscc] });
      const client = newClient();
      const { records, malformed } = await client.enterprises([bad!.uscc, good!.uscc]);
      expect(records.map((r) => r.uscc)).toEqual([good!.uscc]);
      expect(malformed).toEqual([expect.any(MalformedRecordError)]);
      expect(malformed[0]).toMatchObject({ department: 'market', record: bad!.uscc, problem: 'CLRQ "20231345" is not a YYYYMMDD date' });
      // the same record would come again: not retried
      expect(standIn.stats().requests).toBe(1);
      for (let i = 1; i < 5; i++) await client.enterprises([bad!.uscc]);
      await expect(client.enterprises([good!.uscc])).rejects.toThrow(/circuit open/);
      expect(standIn.stats().requests).toBe(5);
    });

    it('refuses 101 codes before calling the register', async () => {
      const codes = Array.from({ length: MARKET_BATCH_LIMIT + 1 }, (_, i) => world.subject(i).uscc);
      await expect(newClient().enterprises(codes)).rejects.toThrow(/1 to 100 codes/);
      expect(standIn.stats().requests).toBe(0);
    });
  });

  describe('abnormal operations', () => {
    it('returns listed and removed entries as the world holds them', async () => {
      const [listed] = find(world, (x) => x.abnormal.some((a) => a.removedOn === null), 'enterprises still listed');
      const [removed] = find(world, (x) => x.abnormal.some((a) => a.removedOn !== null), 'enterprises removed from the list');
      const { records } = await newClient().abnormal([listed!.uscc, removed!.uscc]);
      const expected = [listed!, removed!].flatMap((s) =>
        s.abnormal.map((a) => ({
          uscc: s.uscc,
          reason: a.reason,
          listedOn: a.listedOn,
          authority: a.authority,
          removalReason: a.removalReason ?? null,
          removedOn: a.removedOn ?? null,
        })),
      );
      expect(records).toEqual(expected);
    });
  });

  describe('penalties', () => {
    it('reads every page of a subject with more than 50 penalties: the first page, then the rest', async () => {
      const [s] = find(world, (x) => x.penalties.length > MARKET_PENALTY_PAGE_SIZE, 'enterprises with more than 50 penalties');
      const rows = await newClient().penalties(s!.uscc);
      expect(rows.map((r) => r.decisionNumber)).toEqual(s!.penalties.map((p) => p.decisionNumber));
      expect(rows.map((r) => r.fine)).toEqual(s!.penalties.map((p) => yuan(p.fineFen)));
      expect(rows[0]).toEqual({
        decisionNumber: s!.penalties[0]!.decisionNumber,
        violationType: s!.penalties[0]!.violationType,
        kind: s!.penalties[0]!.kind,
        content: s!.penalties[0]!.content,
        fine: yuan(s!.penalties[0]!.fineFen),
        decidedOn: s!.penalties[0]!.decidedOn,
        authority: s!.penalties[0]!.authority,
        publishUntil: s!.penalties[0]!.publishUntil,
      });
      expect(standIn.stats().requests).toBe(Math.ceil(s!.penalties.length / MARKET_PENALTY_PAGE_SIZE));
    });

    it('fails the whole list of a subject with a malformed penalty (FKJE 十万): a list missing one would be wrong', async () => {
      const [s] = find(world, (x) => x.penalties.length > 0, 'enterprises with penalties');
      standIn.setFaults({ malformed: [s!.uscc] });
      await expect(newClient().penalties(s!.uscc)).rejects.toThrow(MalformedRecordError);
    });

    it('makes one call for a subject without penalties', async () => {
      const [s] = find(world, (x) => x.enterprise !== null && x.penalties.length === 0, 'enterprises without penalties');
      expect(await newClient().penalties(s!.uscc)).toEqual([]);
      expect(standIn.stats().requests).toBe(1);
    });
  });

  describe('search', () => {
    it('finds registered names containing a fragment', async () => {
      const [s] = find(world, (x) => x.enterprise !== null && x.enterprise.name.length > 6, 'enterprises');
      const fragment = s!.enterprise!.name.slice(2, 6);
      const rows = await newClient().search(fragment, 50);
      expect(rows.map((r) => r.TYSHXYDM)).toContain(s!.uscc);
      for (const r of rows) expect(r.QYMC).toContain(fragment);
      expect(rows).toEqual(world.searchByName(fragment, 50).map((x) => ({ TYSHXYDM: x.uscc, QYMC: x.enterprise!.name, DJZT: x.enterprise!.status })));
    });
  });

  describe('failures', () => {
    it('retries "system busy" (HTTP 200, code 9999) and then reports the department unavailable without its text', async () => {
      standIn.setFaults({ errorRate: 1 });
      const error = await newClient().enterprises([world.subject(0).uscc]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentUnavailableError);
      expect((error as DepartmentUnavailableError).department).toBe('market');
      expect((error as Error).message).not.toMatch(/系统繁忙|127\.0\.0\.1|http:/);
      expect(standIn.stats().requests).toBe(2);
    });

    it('does not retry a refusal (code 1002, wrong X-Api-Key) and keeps its msg out of the message', async () => {
      const error = await newClient({ apiKey: 'wrong' }).enterprises([world.subject(0).uscc]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentUnavailableError);
      expect((error as Error).message).toMatch(/1002/);
      expect((error as Error).message).not.toMatch(/认证失败|X-Api-Key|127\.0\.0\.1/);
      expect(standIn.stats().requests).toBe(1);
    });

    it('gives up on a hung register at the client deadline with DepartmentUnavailableError', async () => {
      standIn.setFaults({ down: true });
      const error = await newClient({ timeoutMs: 200 }).penalties(world.subject(0).uscc).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DepartmentUnavailableError);
      expect((error as Error).message).not.toMatch(/127\.0\.0\.1|http:/);
    });
  });
});
