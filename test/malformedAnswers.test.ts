import { DEPARTMENTS, type Department } from '../lib/departments';
import { centsToDecimal } from '../lib/graphql/money';
import { courtOrganizationCode } from '../lib/ids';
import type { Subject } from '../legacy/world/types';
import { CREDIT_CLASSES } from '../subgraphs/customs/legacyClient';
import { startStack, type GraphQLResult, type Stack } from './harness/stack';

/**
 * Answers checked at the door: each department's stand-in sends a malformed record for chosen
 * subjects (the `malformed` fault: a date 20231345 / 2023-13-45, an amount 十万 / 一百万, an
 * unknown grade or class). The adapter's parser refuses it before the cache, so the section is
 * null with DEPARTMENT_UNAVAILABLE (or its last known copy, stale), only for that subject; the
 * failure is logged with the department and the record; nothing of it is cached (the very next
 * read after the fault clears is answered); and it counts against the department's breaker.
 */

const CACHE_TTL_SECONDS = 1;
/** LegacyClient opens the circuit after this many calls fail in a row (its default) */
const FAILURES_IN_A_ROW = 5;
/** what the stand-ins write into a malformed record: none of it may reach a client */
const MALFORMED_VALUES = ['20231345', '2023-13-45', '十万', '一百万', '优秀企业'];

interface DepartmentCase {
  /** the Subject field of the department's section */
  section: string;
  /** the fields read, `source { stale }` included */
  selection: string;
  /** a subject whose record the department holds (so the fault has something to spoil) */
  holds(s: Subject): boolean;
  /** the department's identifier of the record, as the log must name it */
  record(s: Subject): string;
  /** the section as served when the record is well-formed */
  expected(s: Subject): Record<string, unknown>;
}

// Partial so that a new department type-checks with its table entry alone; the first test below
// then asks for its case here, so no department goes without one.
const CASES: Partial<Record<Department, DepartmentCase>> = {
  market: {
    section: 'registration',
    selection: 'registration { establishedOn source { stale } }',
    // the register knows subjects whose code it issued (authority 9)
    holds: (s) => s.enterprise !== null && s.uscc.startsWith('9'),
    record: (s) => s.uscc,
    expected: (s) => ({ establishedOn: s.enterprise!.foundedOn }),
  },
  tax: {
    section: 'tax',
    selection: 'tax { rating { year grade } source { stale } }',
    holds: (s) => s.tax !== null,
    record: (s) => s.tax!.taxpayerId,
    expected: (s) => ({ rating: [...s.tax!.ratings].sort((a, b) => b.year - a.year).map((r) => ({ year: r.year, grade: r.grade })) }),
  },
  court: {
    section: 'judicial',
    selection: 'judicial { dishonestDebtor { caseNumber filedOn } source { stale } }',
    holds: (s) => s.court.dishonest.length > 0,
    record: (s) => `${courtOrganizationCode(s.uscc)} ${s.court.dishonest[0]!.caseNumber}`,
    expected: (s) => ({ dishonestDebtor: s.court.dishonest.map((c) => ({ caseNumber: c.caseNumber, filedOn: c.filedOn })) }),
  },
  customs: {
    section: 'customs',
    selection: 'customs { creditClass source { stale } }',
    holds: (s) => s.customs !== null,
    record: (s) => s.customs!.customsCode,
    expected: (s) => ({ creditClass: CREDIT_CLASSES[s.customs!.creditClass as keyof typeof CREDIT_CLASSES] }),
  },
  finance: {
    section: 'finance',
    selection: 'finance { loanBalance source { stale } }',
    holds: (s) => s.finance !== null,
    record: (s) => s.uscc,
    expected: (s) => ({ loanBalance: centsToDecimal(s.finance!.loanBalanceFen) }),
  },
};

let stack: Stack;
let token: string;
let cursor = 0;
let logged: string[] = [];

/** a subject no earlier test has read (nothing cached for it) whose record the department holds */
function freshSubject(d: Department): Subject {
  for (;;) {
    const s = stack.world.subject(cursor++);
    if (CASES[d]!.holds(s)) return s;
  }
}

const one = (d: Department, s: Subject) => stack.query(`{ subject(uscc: "${s.uscc}") { ${CASES[d]!.selection} } }`, { token });

/** the lines logged since the test began that name the department's malformed record */
const logLinesAbout = (d: Department, s: Subject) => logged.filter((line) => line.includes(`${d} system unavailable: malformed record ${CASES[d]!.record(s)}`));

function expectNothingLeaked(res: GraphQLResult) {
  const text = JSON.stringify(res.body);
  for (const value of MALFORMED_VALUES) expect(text).not.toContain(value);
  expect(text).not.toMatch(/malformed/i);
}

beforeAll(async () => {
  const env: Record<string, string> = {};
  // a short TTL, so that the stale-copy test need not wait long; the reads that prove nothing was
  // cached follow within milliseconds, well inside it
  for (const d of Object.keys(CASES)) env[`${d.toUpperCase()}_CACHE_TTL_SECONDS`] = String(CACHE_TTL_SECONDS);
  stack = await startStack({ env });
  token = await stack.token({ role: 'government', org: 'malformed-test', purpose: 'financial-supervision' });
});
afterAll(() => stack?.stop());

beforeEach(() => {
  // the subgraphs run in this process: their failure log is this process's stderr
  logged = [];
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    logged.push(String(chunk));
    return true;
  });
});
afterEach(async () => {
  jest.restoreAllMocks();
  await stack.resetLegacy();
});

it('has a malformed-record case for every department of the table', () => {
  expect(DEPARTMENTS.filter((d) => !CASES[d])).toEqual([]);
});

describe.each(Object.keys(CASES) as Department[])('%s answers a malformed record', (d) => {
  const { section, expected } = CASES[d]!;

  it('fails only that subject’s section with DEPARTMENT_UNAVAILABLE, logs the record once, and caches nothing of it', async () => {
    const [bad, good] = [freshSubject(d), freshSubject(d)];
    stack.standIns[d].setFaults({ malformed: [bad.uscc] });

    const res = await stack.query(`{ subjects(usccs: ["${bad.uscc}", "${good.uscc}"]) { uscc ${CASES[d]!.selection} } }`, { token });
    expect(res.status).toBe(200);
    expect(res.body.data.subjects[0][section]).toBeNull();
    expect(res.body.data.subjects[1][section]).toEqual({ ...expected(good), source: { stale: false } });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0].path!.slice(0, 3)).toEqual(['subjects', 0, section]);
    expect(res.body.errors![0].extensions).toEqual({ code: 'DEPARTMENT_UNAVAILABLE', department: d.toUpperCase() });
    expectNothingLeaked(res);
    expect(logLinesAbout(d, bad)).toHaveLength(1);
    expect(logLinesAbout(d, good)).toHaveLength(0);

    // the department sends it well-formed again: the very next read asks it and is answered
    stack.standIns[d].setFaults({ malformed: [] });
    const before = stack.standIns[d].stats().requests;
    const next = await one(d, bad);
    expect(next.body.errors).toBeUndefined();
    expect(next.body.data.subject[section]).toEqual({ ...expected(bad), source: { stale: false } });
    expect(stack.standIns[d].stats().requests).toBeGreaterThan(before);
  });

  it('serves the last known copy marked stale when one was cached before', async () => {
    const s = freshSubject(d);
    const fresh = await one(d, s);
    expect(fresh.body.data.subject[section]).toEqual({ ...expected(s), source: { stale: false } });
    await new Promise((r) => setTimeout(r, CACHE_TTL_SECONDS * 1000 + 100)); // past the TTL

    stack.standIns[d].setFaults({ malformed: [s.uscc] });
    const before = stack.standIns[d].stats().requests;
    const stale = await one(d, s);
    expect(stack.standIns[d].stats().requests).toBeGreaterThan(before);
    expect(stale.body.errors).toBeUndefined();
    expect(stale.body.data.subject[section]).toEqual({ ...expected(s), source: { stale: true } });
    expect(logLinesAbout(d, s)).toHaveLength(1);
  });

  it('counts against the breaker: malformed answers in a row open the circuit and the next read calls nobody', async () => {
    const s = freshSubject(d);
    stack.standIns[d].setFaults({ malformed: [s.uscc] });
    // (customs may open a read sooner: its successful mapping call counts in the error rate too)
    for (let i = 0; i < FAILURES_IN_A_ROW; i++) expect((await one(d, s)).body.data.subject[section]).toBeNull();
    expect(stack.standIns[d].stats().requests).toBeGreaterThan(0);
    const before = stack.standIns[d].stats().requests;
    const res = await one(d, freshSubject(d));
    expect(res.body.data.subject[section]).toBeNull();
    expect(res.body.errors!.map((e) => e.extensions)).toEqual([{ code: 'DEPARTMENT_UNAVAILABLE', department: d.toUpperCase() }]);
    expect(stack.standIns[d].stats().requests).toBe(before);
  });
});
