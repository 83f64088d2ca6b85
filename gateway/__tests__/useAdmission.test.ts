import type { GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, parse } from 'graphql';
import type { GatewayContext } from '../context';
import { useAdmission, type Admission } from '../useAdmission';

/**
 * The admission plugin's hooks driven as Apollo drives them: didResolveOperation once the
 * operation is known, willSendResponse when the answer (or a refusal) goes out.
 */

const BATCH = parse('query($u: [USCC!]!) { subjects(usccs: $u) { uscc } }');
const ONE = parse('{ subject(uscc: "91350100M000100Y43") { uscc } }');

interface Request {
  /** settles when admitted (or refused) */
  admitted: Promise<void>;
  /** the response goes out */
  done(): Promise<void>;
}

async function ask(admission: Admission, subjects: number | 'one'): Promise<Request> {
  const listener = (await admission.plugin.requestDidStart!({} as never)) as GraphQLRequestListener<GatewayContext>;
  const context = {
    document: subjects === 'one' ? ONE : BATCH,
    request: { variables: subjects === 'one' ? {} : { u: Array.from({ length: subjects }, (_, i) => `code-${i}`) } },
  };
  const admitted = listener.didResolveOperation!(context as never);
  admitted.catch(() => undefined);
  return { admitted, done: () => listener.willSendResponse!({} as never) };
}

const settled = async (p: Promise<void>) => Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20))]);

describe('admission by subjects in flight', () => {
  it('admits requests while they fit and makes a larger one wait until the subjects in flight leave room', async () => {
    const admission = useAdmission({ maxSubjectsInFlight: 600 });
    const first = await ask(admission, 500);
    expect(await settled(first.admitted)).toBe(true);
    const second = await ask(admission, 500);
    expect(await settled(second.admitted)).toBe(false);
    expect(admission.waiting).toBe(1);
    await first.done();
    await expect(second.admitted).resolves.toBeUndefined();
    expect(admission.inFlight).toBe(500);
    await second.done();
    expect(admission.inFlight).toBe(0);
  });

  it('never makes a request for a few subjects wait behind a batch job', async () => {
    const admission = useAdmission({ maxSubjectsInFlight: 600 });
    const batch = await ask(admission, 500);
    const queued = await ask(admission, 400);
    const lone = await ask(admission, 'one');
    const few = await ask(admission, 10);
    expect(await settled(lone.admitted)).toBe(true);
    expect(await settled(few.admitted)).toBe(true);
    expect(await settled(queued.admitted)).toBe(false);
    await Promise.all([batch.done(), lone.done(), few.done()]);
    await expect(queued.admitted).resolves.toBeUndefined();
    await queued.done();
    expect(admission.inFlight).toBe(0);
  });

  it('refuses a request that waited past its limit with HTTP 503 SERVICE_BUSY and Retry-After, and admits the next', async () => {
    const admission = useAdmission({ maxSubjectsInFlight: 600, maxWaitMs: 50 });
    const holder = await ask(admission, 500);
    const late = await ask(admission, 300);
    const error = (await late.admitted.catch((e: unknown) => e)) as GraphQLError;
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.extensions.code).toBe('SERVICE_BUSY');
    const http = error.extensions.http as { status: number; headers: Map<string, string> };
    expect(http.status).toBe(503);
    expect(Number(http.headers.get('retry-after'))).toBeGreaterThan(0);
    await late.done();
    expect(admission.waiting).toBe(0);
    await holder.done();
    const next = await ask(admission, 300);
    await expect(next.admitted).resolves.toBeUndefined();
    await next.done();
    expect(admission.inFlight).toBe(0);
  });

  it('gives back the place of a request refused by another plugin while it waited, and the weight of one refused after admission', async () => {
    const admission = useAdmission({ maxSubjectsInFlight: 600 });
    const holder = await ask(admission, 500);
    const refusedWhileWaiting = await ask(admission, 400);
    await refusedWhileWaiting.done(); // e.g. a query limit refused it in the same didResolveOperation round
    expect(admission.waiting).toBe(0);
    const refusedAdmitted = await ask(admission, 50);
    await refusedAdmitted.done();
    await holder.done();
    expect(admission.inFlight).toBe(0);
  });

  it('refuses a bad option at construction, naming it', () => {
    expect(() => useAdmission({ maxSubjectsInFlight: 0 })).toThrow(/maxSubjectsInFlight/);
    expect(() => useAdmission({ maxSubjectsInFlight: 600, maxWaitMs: 0 })).toThrow(/maxWaitMs/);
  });
});
