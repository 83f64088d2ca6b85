import { captureLogs, logError, logger } from '../log';
import { setScopeRequestId, withRequestScope } from '../observability/requestScope';

/**
 * The services' log (lib/log.ts): one JSON line per event, the request's id on every line written
 * during it, and nothing shaped like a token or a citizen ID, whatever field it arrives in. The
 * whole stack's log is checked in test/observability/logs.test.ts.
 */

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiYW5rLWEiLCJyb2xlIjoiYmFuayJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const CITIZEN_ID = '11010519491231002X';

function capture(run: () => void, level: 'info' | 'debug' = 'info'): Record<string, unknown>[] {
  const lines: string[] = [];
  const release = captureLogs((line) => lines.push(line), level);
  try {
    run();
  } finally {
    release();
  }
  return lines.map((l) => JSON.parse(l));
}

describe('structured log lines', () => {
  it('masks a citizen ID and a JWT in messages, nested fields and error texts', () => {
    const [line] = capture(() =>
      logError({
        event: 'unusable answer',
        message: `legal representative ${CITIZEN_ID} is not a valid id`,
        detail: { quoted: [`"${CITIZEN_ID.toLowerCase()}"`], header: `Bearer ${JWT}` },
        error: new Error(`token ${JWT} refused`).message,
      }),
    );
    const text = JSON.stringify(line);
    expect(text).not.toContain(JWT);
    expect(text).not.toMatch(/\d{17}[\dXx]/);
    expect(line).toMatchObject({ level: 'error', event: 'unusable answer', message: 'legal representative [citizen-id] is not a valid id' });
  });

  it('redacts the authorization header of a logged request by path', () => {
    const [line] = capture(() => logger.info({ req: { headers: { authorization: 'Basic dXNlcjpwYXNz' } } }, 'request'));
    expect(line).toMatchObject({ req: { headers: { authorization: '[redacted]' } } });
  });

  it('leaves a unified social credit code (an enterprise, not a person) readable', () => {
    const [line] = capture(() => logError({ event: 'x', subject: '91110101MAAL0CXK0M' }));
    expect(line.subject).toBe('91110101MAAL0CXK0M');
  });

  it('names the request on every line written during it, and no request outside one', () => {
    const lines = capture(() => {
      withRequestScope(() => {
        logError({ event: 'before the id is known' });
        setScopeRequestId('req-1');
        logError({ event: 'inside' });
      });
      logError({ event: 'outside' });
    });
    expect(lines.map((l) => [l.event, l.requestId])).toEqual([
      ['before the id is known', undefined],
      ['inside', 'req-1'],
      ['outside', undefined],
    ]);
  });
});
