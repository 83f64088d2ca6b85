import { GraphQLError, getOperationAST, parse, type GraphQLSchema } from 'graphql';
import type { OperationDone } from '../plugin';
import { metrics } from '../../lib/observability/metrics';
import { useAdmission, type Admission } from '../useAdmission';
import { loadApiSchema } from './helpers/apiSchema';

/**
 * The admission plugin's hooks driven as the gateway drives them: onOperation once the operation
 * is known, the hook it returns when the answer goes out (its order among the other plugins is
 * in composePlugins.test.ts). No clock: a
 * request's state is read after the pending promise callbacks have run, and the wait limit is
 * crossed with jest's fake timers.
 */

const BATCH = 'query($u: [USCC!]!) { subjects(usccs: $u) { uscc } }';
const ONE = '{ subject(uscc: "91350100M000100Y43") { uscc } }';
// the shape issue 17 used to slip past the count: two aliases behind an inline fragment
const TWO_ALIASES = 'query($u: [USCC!]!) { ... on Query { a: subjects(usccs: $u) { uscc } b: subjects(usccs: $u) { uscc } } }';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await loadApiSchema();
});
afterEach(() => jest.useRealTimers());

interface Request {
  /** settles when admitted (or refused) */
  admitted: Promise<void>;
  state(): 'waiting' | 'admitted' | 'refused';
  /** the response goes out */
  done(): Promise<void>;
}

/** lets every promise callback already due run (admission settles in callbacks, never on a timer) */
const callbacksRun = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

async function ask(admission: Admission, query: string, codes = 0): Promise<Request> {
  const document = parse(query);
  const requestContext = {
    schema,
    document,
    operation: getOperationAST(document),
    request: { variables: { u: Array.from({ length: codes }, (_, i) => `code-${i}`) } },
  };
  let state: 'waiting' | 'admitted' | 'refused' = 'waiting';
  let onResponse: OperationDone | void;
  const admitted = admission.onOperation!(requestContext as never).then((done) => {
    onResponse = done;
  });
  admitted.then(
    () => (state = 'admitted'),
    () => (state = 'refused'),
  );
  await callbacksRun();
  return { admitted, state: () => state, done: async () => onResponse?.() };
}

const batch = (admission: Admission, codes: number) => ask(admission, BATCH, codes);

describe('admission by subjects in flight', () => {
  it('admits requests while they fit and makes a larger one wait until the subjects in flight leave room', async () => {
    const admission = useAdmission({ maxSubjectsInFlight: 600 });
    const first = await batch(admission, 500);
    expect(first.state()).toBe('admitted');
    const second = await batch(admission, 500);
    expect(second.state()).toBe('waiting');
    expect(admission.waiting).toBe(1);
    await first.done();
    await callbacksRun();
    expect(second.state()).toBe('admitted');
    expect(admission.inFlight).toBe(500);
    await second.done();
    expect(admission.inFlight).toBe(0);
  });

  it('weighs a request by the subjects it will execute: two aliases of 300 codes behind `... on Query` are 600', async () => {
    const admission = useAdmission({ maxSubjectsInFlight: 600 });
    const holder = await batch(admission, 100);
    const aliased = await ask(admission, TWO_ALIASES, 300);
    expect(aliased.state()).toBe('waiting');
    await holder.done();
    await callbacksRun();
    expect(aliased.state()).toBe('admitted');
    expect(admission.inFlight).toBe(600);
    await aliased.done();
    expect(admission.inFlight).toBe(0);
  });

  it('never makes a request for a few subjects wait behind a batch job', async () => {
    const admission = useAdmission({ maxSubjectsInFlight: 600 });
    const big = await batch(admission, 500);
    const queued = await batch(admission, 400);
    const lone = await ask(admission, ONE);
    const few = await batch(admission, 10);
    expect(lone.state()).toBe('admitted');
    expect(few.state()).toBe('admitted');
    expect(queued.state()).toBe('waiting');
    await Promise.all([big.done(), lone.done(), few.done()]);
    await callbacksRun();
    expect(queued.state()).toBe('admitted');
    await queued.done();
    expect(admission.inFlight).toBe(0);
  });

  it('refuses a request that waited past its limit with HTTP 503 SERVICE_BUSY and Retry-After, and admits the next', async () => {
    jest.useFakeTimers();
    const admission = useAdmission({ maxSubjectsInFlight: 600, maxWaitMs: 5000 });
    const holder = await batch(admission, 500);
    const late = await batch(admission, 300);
    jest.advanceTimersByTime(4999);
    await callbacksRun();
    expect(late.state()).toBe('waiting');
    jest.advanceTimersByTime(1);
    await callbacksRun();
    expect(late.state()).toBe('refused');
    const error = (await late.admitted.catch((e: unknown) => e)) as GraphQLError;
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.extensions.code).toBe('SERVICE_BUSY');
    const http = error.extensions.http as unknown as { status: number; headers: Map<string, string> };
    expect(http.status).toBe(503);
    expect(Number(http.headers.get('retry-after'))).toBeGreaterThan(0);
    await late.done();
    expect(admission.waiting).toBe(0);
    await holder.done();
    const next = await batch(admission, 300);
    expect(next.state()).toBe('admitted');
    await next.done();
    expect(admission.inFlight).toBe(0);
  });

  it('gives back the weight of a request refused after admission', async () => {
    const admission = useAdmission({ maxSubjectsInFlight: 600 });
    const holder = await batch(admission, 500);
    const refusedAdmitted = await batch(admission, 50);
    expect(admission.inFlight).toBe(550);
    await refusedAdmitted.done(); // e.g. the audit ledger refused it; the response still goes out
    await holder.done();
    expect(admission.inFlight).toBe(0);
  });

  it('refuses a bad option at construction, naming it', () => {
    expect(() => useAdmission({ maxSubjectsInFlight: 0 })).toThrow(/maxSubjectsInFlight/);
    expect(() => useAdmission({ maxSubjectsInFlight: 600, maxWaitMs: 0 })).toThrow(/maxWaitMs/);
  });
});

describe('admission in /metrics', () => {
  const waits = async (outcome: string) => (await metrics.admissionWaits.get()).values.find((v) => v.metricName === 'credit_graph_admission_wait_seconds_count' && v.labels.outcome === outcome)?.value ?? 0;

  it('counts each request that waited, by outcome (admitted, refused), and none that did not wait', async () => {
    jest.useFakeTimers();
    const admission = useAdmission({ maxSubjectsInFlight: 600, maxWaitMs: 5000 });
    const before = { admitted: await waits('admitted'), refused: await waits('refused') };
    const holder = await batch(admission, 500);
    const waiter = await batch(admission, 300);
    // 300 + 400 exceed 600 even once the holder leaves: this one waits out its limit
    const late = await batch(admission, 400);
    expect([await waits('admitted'), await waits('refused')]).toEqual([before.admitted, before.refused]);
    await holder.done();
    await callbacksRun();
    expect(waiter.state()).toBe('admitted');
    jest.advanceTimersByTime(5000);
    await callbacksRun();
    expect(late.state()).toBe('refused');
    await late.admitted.catch(() => undefined);
    expect(await waits('admitted')).toBe(before.admitted + 1);
    expect(await waits('refused')).toBe(before.refused + 1);
    await waiter.done();
    await late.done();
  });
});
