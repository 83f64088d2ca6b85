import { GraphQLError } from 'graphql';
import { maskError } from '../errors';

/**
 * A masked error (issue 17 #6) is logged as one JSON line with its code, message and path and the
 * original error — also when that original is no Error at all, as the gateway's copy of a
 * subgraph's error is — never as `[object Object]`; the client sees none of it.
 */

function captureStderr(run: () => void): string[] {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('masked internal errors', () => {
  it('logs a plain-object original (a subgraph error passed on by the gateway) as structured JSON', () => {
    const downstream = { message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    const error = new GraphQLError('Internal error', { path: ['auditTrail'], originalError: downstream as unknown as Error, extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'platform' } });
    let masked: ReturnType<typeof maskError> | undefined;
    const lines = captureStderr(() => {
      masked = maskError({ message: error.message, path: ['auditTrail'], extensions: error.extensions }, error);
    });
    expect(masked).toEqual({ message: 'Internal error', path: ['auditTrail'], locations: undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('[object Object]');
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'error',
      event: 'masked internal error',
      code: 'INTERNAL_SERVER_ERROR',
      message: 'Internal error',
      path: ['auditTrail'],
      subgraph: 'platform',
      error: { value: downstream },
    });
  });

  it("logs an Error original with its message and stack, and keeps them out of the client's answer", () => {
    const original = new Error('value "111111111111111111111111111111" is out of range for type bigint');
    const error = new GraphQLError(original.message, { path: ['auditTrail'], originalError: original });
    let masked: ReturnType<typeof maskError> | undefined;
    const lines = captureStderr(() => {
      masked = maskError({ message: error.message, path: ['auditTrail'] }, error);
    });
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ code: null, message: original.message, path: ['auditTrail'], error: { name: 'Error', message: original.message } });
    expect(entry.error.stack).toContain('maskError.test.ts');
    expect(JSON.stringify(masked)).not.toContain('bigint');
  });
});
