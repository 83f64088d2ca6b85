import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { captureLogs } from '../../lib/log';
import { registerTracing, type Tracing } from '../../lib/observability/tracing';
import { startStack, type Stack } from '../harness/stack';

/**
 * The log of a whole stack run, captured at its most verbose (debug: one line per request of
 * every service, with its headers): each line is JSON naming its request and trace, and no line
 * carries a consumer's token, the gateway's internal token or a citizen ID — also while the
 * subject reads its own legal representative's ID and while a department fails.
 */

const SUBJECT = '91110101MAAL0CXK0M'; // the demo subject all five departments know
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/;
const CITIZEN_ID = /\d{17}[\dXx]/;

let exporter: InMemorySpanExporter;
let tracing: Tracing;
let stack: Stack;

beforeAll(async () => {
  exporter = new InMemorySpanExporter();
  tracing = registerTracing({ serviceName: 'test-stack', processor: new SimpleSpanProcessor(exporter) });
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
  await tracing?.shutdown();
});

describe('the services’ log', () => {
  it('names the request and trace on every line, and carries no token or citizen ID', async () => {
    const idNumber = stack.world.findByUscc(SUBJECT)!.enterprise!.legalRepresentative.idNumber;
    expect(idNumber).toMatch(CITIZEN_ID);
    const self = await stack.token({ role: 'subject', org: SUBJECT, subject: SUBJECT });
    const lines: string[] = [];
    const release = captureLogs((line) => lines.push(line), 'debug');
    try {
      const read = await stack.query(`query Own { subject(uscc: "${SUBJECT}") { registration { name legalRepresentative legalRepresentativeIdNumber } tax { arrears { amount } } } }`, { token: self });
      // the subject reads its own legal representative's ID unmasked (SELF)...
      expect(read.body.data.subject.registration.legalRepresentativeIdNumber).toBe(idNumber);
      // ... and a department fails meanwhile, so the failure is logged too
      await stack.resetLegacy();
      stack.standIns.tax.setFaults({ errorRate: 1 });
      const failed = await stack.query(`query OwnTax { subject(uscc: "${SUBJECT}") { registration { legalRepresentativeIdNumber } tax { arrears { amount } } } }`, { token: self });
      expect(failed.body.errors?.map((e) => e.extensions?.code)).toEqual(['DEPARTMENT_UNAVAILABLE']);
    } finally {
      release();
      await stack.resetLegacy();
    }

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = entries.filter((e) => e.event === 'request');
    // the gateway's two requests and the subgraphs' fetches they made, each on its own line
    expect(requests.filter((e) => e.service === 'gateway')).toHaveLength(2);
    expect(new Set(requests.map((e) => e.service))).toEqual(new Set(['gateway', 'platform', 'market', 'tax']));
    expect(entries.some((e) => e.event === 'department unavailable' && e.department === 'tax')).toBe(true);
    for (const e of entries) {
      expect(e).toMatchObject({ requestId: expect.any(String), traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    }
    // one request, one id and one trace across the services' lines
    const gatewayIds = requests.filter((e) => e.service === 'gateway').map((e) => e.requestId);
    for (const e of entries) expect(gatewayIds).toContain(e.requestId);

    const text = lines.join('');
    expect(text).not.toContain(self);
    expect(text).not.toMatch(JWT);
    expect(text).not.toContain(idNumber);
    expect(text).not.toMatch(CITIZEN_ID);
    expect(text).toContain('[redacted]');
  });
});
