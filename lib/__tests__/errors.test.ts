import { GraphQLError } from 'graphql';
import { ERROR_CODES, UnreachableCaseError, clientError, DepartmentUnavailableError, type ErrorCode } from '../errors';
import { maskError } from '../subgraph/errors';

/**
 * One table of error codes (lib/errors.ts): maskError lets through exactly the codes the table says
 * travel in a GraphQL response, so a code cannot be thrown (ErrorCode is the table's keys) and
 * then silently become INTERNAL_SERVER_ERROR.
 */

const codes = Object.keys(ERROR_CODES) as ErrorCode[];
const quietly = <T>(run: () => T): T => {
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return run();
  } finally {
    spy.mockRestore();
  }
};
const masked = (error: GraphQLError) => quietly(() => maskError(error.toJSON(), error));

describe('maskError and the code table', () => {
  it.each(codes.filter((c) => ERROR_CODES[c] === 'response'))('passes %s with its message and safe extensions', (code) => {
    const error = clientError(code, `message for ${code}`, { reason: 'why', url: 'http://10.0.0.5:4103/internal' }, { path: ['subject', 'tax'] });
    expect(masked(error)).toEqual({ message: `message for ${code}`, path: ['subject', 'tax'], locations: undefined, extensions: { code, reason: 'why' } });
  });

  it.each(codes.filter((c) => ERROR_CODES[c] !== 'response'))('masks %s (never a GraphQL response code) to INTERNAL_SERVER_ERROR', (code) => {
    expect(masked(clientError(code, 'secret detail'))).toMatchObject({ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('masks a code outside the table, and an error without a code, to INTERNAL_SERVER_ERROR', () => {
    const typo = new GraphQLError('detail', { extensions: { code: 'FORBIDEN' } });
    expect(masked(typo)).toMatchObject({ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(masked(new GraphQLError('at http://legacy:4102/soap'))).toMatchObject({ message: 'Internal error' });
  });

  it("answers a department's failure as DEPARTMENT_UNAVAILABLE naming the department, not its reason", () => {
    const error = new GraphQLError('x', { originalError: new DepartmentUnavailableError('tax', 'ECONNRESET at http://10.0.0.5') });
    const out = masked(error);
    expect(out.extensions).toEqual({ code: 'DEPARTMENT_UNAVAILABLE', department: 'TAX' });
    expect(JSON.stringify(out)).not.toContain('10.0.0.5');
  });
});

describe('clientError', () => {
  it('puts the code after the extensions, so an extension named code cannot replace it', () => {
    expect(clientError('FORBIDDEN', 'no', { code: 'OTHER', reason: 'r' }).extensions).toEqual({ code: 'FORBIDDEN', reason: 'r' });
  });
});

describe('UnreachableCaseError', () => {
  it('names the value no case handled', () => {
    expect(() => {
      throw new UnreachableCaseError('SIXTH' as never);
    }).toThrow('Unreachable case: "SIXTH"');
  });
});
