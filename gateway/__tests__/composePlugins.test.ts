import type { GraphQLRequestListener } from '@apollo/server';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, getOperationAST, parse, type GraphQLSchema } from 'graphql';
import type { RequestArrival } from '../../lib/http/serveGraphQL';
import { composePlugins } from '../composePlugins';
import type { GatewayContext } from '../context';
import type { GatewayPlugin } from '../plugin';
import { useAdmission } from '../useAdmission';
import { useInputValidation } from '../useInputValidation';
import { useQueryLimits } from '../useQueryLimits';
import { loadApiSchema } from './helpers/apiSchema';

/**
 * The order the composer promises (plugin.ts): every hook kind in list order, and onOperation
 * awaited one plugin at a time — Apollo on its own runs all didResolveOperation hooks together.
 */

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await loadApiSchema();
});

const callbacksRun = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** drives the composed Apollo plugin as Apollo does: didResolveOperation, then willSendResponse */
async function operate(plugins: GatewayPlugin[], query: string, variables: Record<string, unknown> = {}) {
  const [operations] = composePlugins(plugins).apolloPlugins;
  const listener = (await operations!.requestDidStart!({} as never)) as GraphQLRequestListener<GatewayContext>;
  const document = parse(query);
  const resolved = listener.didResolveOperation!({ schema, document, queryHash: query, operation: getOperationAST(document), request: { variables } } as never);
  return { resolved, respond: () => listener.willSendResponse!({} as never) };
}

const codeOf = async (p: Promise<unknown>) => ((await p.then(() => null, (e: unknown) => e)) as GraphQLError | null)?.extensions.code ?? null;

describe('onOperation', () => {
  it('runs each plugin after the one before it has finished, in list order', async () => {
    const calls: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first: GatewayPlugin = { name: 'first', onOperation: async () => { calls.push('first starts'); await gate; calls.push('first ends'); } };
    const second: GatewayPlugin = { name: 'second', onOperation: async () => { calls.push('second'); } };
    const { resolved } = await operate([first, second], '{ __typename }');
    await callbacksRun();
    expect(calls).toEqual(['first starts']);
    release();
    await resolved;
    expect(calls).toEqual(['first starts', 'first ends', 'second']);
  });

  it('names bad input before a limit refuses the same operation (input validation listed first)', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: searchSubjects(name: "有限", first: ${i === 0 ? 1000000000 : 1}) { uscc }`).join(' ');
    const { resolved } = await operate([useInputValidation(), useQueryLimits()], `{ ${aliases} }`);
    expect(await codeOf(resolved)).toBe('BAD_USER_INPUT');
    const reversed = await operate([useQueryLimits(), useInputValidation()], `{ ${aliases} }`);
    expect(await codeOf(reversed.resolved)).toBe('QUERY_TOO_COMPLEX');
  });

  it('lets a request the limits refuse never take a place in admission, even when the queue is full', async () => {
    const admission = useAdmission({ maxSubjectsInFlight: 600 });
    const plugins = [useQueryLimits(), admission];
    const batch = 'query($u: [USCC!]!) { subjects(usccs: $u) { uscc } }';
    const codes = (n: number) => Array.from({ length: n }, (_, i) => `code-${i}`);
    const holder = await operate(plugins, batch, { u: codes(500) });
    await holder.resolved;
    const tooMany = await operate(plugins, 'query($u: [USCC!]!) { ... on Query { a: subjects(usccs: $u) { uscc } b: subjects(usccs: $u) { uscc } } }', { u: codes(400) });
    expect(await codeOf(tooMany.resolved)).toBe('QUERY_TOO_COMPLEX');
    expect(admission.waiting).toBe(0);
    await tooMany.respond();
    await holder.respond();
    expect(admission.inFlight).toBe(0);
  });

  it('runs the response hook of a plugin that admitted the request when a later one refuses it', async () => {
    const admission = useAdmission({ maxSubjectsInFlight: 600 });
    const refuse: GatewayPlugin = { name: 'refuse', onOperation: async () => { throw new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } }); } };
    const request = await operate([admission, refuse], '{ subject(uscc: "91350100M000100Y43") { uscc } }');
    expect(await codeOf(request.resolved)).toBe('FORBIDDEN');
    expect(admission.inFlight).toBe(1);
    await request.respond();
    expect(admission.inFlight).toBe(0);
  });
});

describe('onRequest', () => {
  const start = () => ({ req: {} as never, res: {} as never, arrival: { receivedAt: 1, body: {} } as RequestArrival });
  const everything: GatewayPlugin = {
    name: 'everything',
    onRequest: () => ({ requestId: 'r', receivedAt: 1, consentsUsed: new Map(), creditCheckReads: [] }),
  };

  it('builds the context in list order, each plugin seeing what the earlier ones added', async () => {
    const seen: unknown[] = [];
    const consumer: GatewayPlugin = { name: 'consumer', onRequest: () => ({ consumer: { id: 'u', org: 'o', role: 'public', purpose: null, subject: null } }) };
    const reader: GatewayPlugin = { name: 'reader', onRequest: ({ context }) => void seen.push(context.consumer?.org) };
    const { req, res, arrival } = start();
    const context = await composePlugins([consumer, reader, everything]).context(req, res, arrival);
    expect(seen).toEqual(['o']);
    expect(context.consumer.org).toBe('o');
  });

  it('names what the listed plugins left out of the context', async () => {
    const { req, res, arrival } = start();
    await expect(composePlugins([everything]).context(req, res, arrival)).rejects.toThrow('gateway plugins left consumer out of the request context');
  });
});

describe('onExecute, onFormatError and the list itself', () => {
  it('wraps the executor with the first listed plugin outermost', async () => {
    const calls: string[] = [];
    const wrapper = (name: string): GatewayPlugin => ({ name, onExecute: (next: GatewayExecutor) => async (rc) => { calls.push(name); return next(rc); } });
    const inner: GatewayInterface = {
      onSchemaLoadOrUpdate: () => () => undefined,
      load: async () => ({ executor: async () => (calls.push('executor'), { data: {} }) }),
      stop: async () => undefined,
    };
    const { executor } = await composePlugins([wrapper('outer'), wrapper('inner')]).wrapGateway(inner).load({} as never);
    await executor!({} as never);
    expect(calls).toEqual(['outer', 'inner', 'executor']);
  });

  it("formats an error by the first plugin that answers it, else masks it", () => {
    const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const composed = composePlugins([useQueryLimits()]);
      const tokens = composed.formatError({ message: 'Syntax Error: Document contains more than 2000 tokens. Parsing aborted.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, null);
      expect(tokens.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(composed.formatError({ message: 'ECONNREFUSED 10.0.0.5:4103' }, new Error('x'))).toMatchObject({ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    } finally {
      quiet.mockRestore();
    }
  });

  it('refuses a plugin listed twice', () => {
    expect(() => composePlugins([useQueryLimits(), useQueryLimits()])).toThrow('plugin queryLimits is listed twice');
  });
});
